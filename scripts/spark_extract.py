"""Run claimex over a JSONL corpus with Spark: each partition's lines are piped through
`claimex extract --input-format jsonl - -o - --format jsonl` (docs/scaling.md).

    python3 scripts/spark_extract.py CLAIMEX INPUT.jsonl OUTPUT_DIR [PARTITIONS]

OUTPUT_DIR gets Spark's part-NNNNN files; concatenated in name order they are the
documents.jsonl of a single run over INPUT.jsonl (records carry their ids, so give every
input record an `id`).
"""

import sys

from pyspark.sql import SparkSession


def main() -> None:
    claimex, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    partitions = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    spark = SparkSession.builder.master(f"local[{partitions}]").appName("claimex").getOrCreate()
    try:
        lines = spark.sparkContext.textFile(src, minPartitions=partitions)
        # One claimex process per partition; each runs single-threaded, Spark gives the
        # parallelism. `-q` keeps the summary off stderr; stdout holds only records.
        records = lines.pipe(f"{claimex} extract -q --threads 1 --input-format jsonl - -o - --format jsonl")
        records.saveAsTextFile(dst)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
