"""Analysis of texts: tokenising, jieba segmentation, word counts, keyness, codebook coding, batches."""
