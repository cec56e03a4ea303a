/**
 * A loopback stand-in for the subset of the Azure Data Lake Storage Gen2 REST API (the "dfs" endpoint of an account
 * with hierarchical namespace) that the product uses, keeping every path in an Azurite container through the Blob
 * API. Azurite has no hierarchical namespace; this gives the product's Data Lake client something to talk to, with
 * only the endpoint differing. See test-cluster/README.md for what it does faithfully and what not.
 */
package io.azlhsm.testcluster.datalake;
