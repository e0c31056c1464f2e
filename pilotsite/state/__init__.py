"""Build state: content hashes, the caches, and the ledger of published figure versions."""
