"""Copy detection: Vietnamese normalisation, MinHash signatures of word 3-shingles, and a
persistent LSH index. A library: it knows no other TuSoi app; collections are plain strings.

    from tusoi.dedup.normalize import normalize, words, strip_template
    from tusoi.dedup.minhash import signature, signatures, similar_pairs, containment
    from tusoi.dedup.index import index_add, index_query, index_remove
"""
