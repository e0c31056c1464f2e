"""Reading and validating every input: settings, documents, tables, timelines, corpora, the codebook."""
