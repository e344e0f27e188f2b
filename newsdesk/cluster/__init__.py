"""Cluster: group the reports of one real-world event across outlets, incrementally and in time order,
and link events into storylines. The only stage that sees more than one article."""

from newsdesk.cluster.incremental import ClusterConfig, Clusterer
from newsdesk.cluster.rebuild import recluster

__all__ = ["ClusterConfig", "Clusterer", "recluster"]
