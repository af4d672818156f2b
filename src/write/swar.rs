//! Byte tests eight bytes at a time ("SIMD within a register"), shared by the CSV quoting
//! check and the JSON escaping: the output's strings are mostly short and mostly need
//! neither, so one or two word reads answer for most of them.

/// `0x01` in every byte.
pub(crate) const ONES: u64 = 0x0101_0101_0101_0101;
/// The low seven bits of every byte.
pub(crate) const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
/// The high bit of every byte.
pub(crate) const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` equal to `c` is set, exactly: the sums stay within each
/// byte, so no byte's result leaks into the next. The other bits are garbage: mask the
/// result (or an `|` of several) with [`HIGH`].
#[inline]
pub(crate) fn eq(w: u64, c: u8) -> u64 {
    let x = w ^ (ONES * u64::from(c));
    !(((x & LOW7) + LOW7) | x)
}

/// The eight bytes of `b` from `at`, little-endian.
#[inline]
pub(crate) fn word(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// A short `b` (1 to 7 bytes) as one word holding each of its bytes at least once, the rest
/// filled with `pad`, which the caller picks from the bytes its test does not look for. Read
/// as its first, middle and last byte, or as two halves that may overlap.
#[inline]
pub(crate) fn short(b: &[u8], pad: u8) -> u64 {
    let n = b.len();
    debug_assert!((1..8).contains(&n), "short() takes 1 to 7 bytes, got {n}");
    if n < 4 {
        u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16 | (ONES * u64::from(pad)) << 24
    } else {
        let half = |at: usize| u64::from(u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")));
        half(0) | half(n - 4) << 32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq_marks_exactly_the_equal_bytes() {
        for c in [0u8, b',', b'"', 0x7F, 0x80, 0xFF] {
            for other in 0..=255u8 {
                let w = u64::from_le_bytes([other, c, other, other, c, other, other, other]);
                let want = if other == c { HIGH } else { 0x80 << 8 | 0x80 << 32 };
                assert_eq!(eq(w, c) & HIGH, want, "c = {c:#x}, other = {other:#x}");
            }
        }
    }

    #[test]
    fn short_words_hold_every_byte_and_only_padding_besides() {
        let text = b"abcdefg";
        for n in 1..8 {
            let w = short(&text[..n], b' ');
            let bytes = w.to_le_bytes();
            for &c in &text[..n] {
                assert!(bytes.contains(&c), "n = {n}: {c} missing from {bytes:?}");
            }
            assert!(bytes.iter().all(|b| text[..n].contains(b) || *b == b' '), "n = {n}: {bytes:?}");
        }
    }
}
