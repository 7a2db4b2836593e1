"""Getting customer files in and out: readers, header mapping, import pipeline, export."""
