"""Cluster: group the reports of one real-world event across outlets, incrementally and in time order,
and link events into storylines. The only stage that sees more than one article.

The package itself imports nothing, so the store can use the pure functions of `consolidate` without
loading the stages that read the store: `incremental` (Clusterer, ClusterConfig: one report at a time),
`rebuild` (recluster: the whole store again), `linkage`, `stories`, `mentions`, `features`."""
