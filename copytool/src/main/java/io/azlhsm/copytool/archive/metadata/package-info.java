/**
 * Blob metadata: the AMLFS conventions plus our own {@code azlhsm_*} keys
 * ({@link io.azlhsm.copytool.archive.metadata.BlobMetadataCodec}), and Azure's rules for any metadata set
 * ({@link io.azlhsm.copytool.archive.metadata.MetadataLimits}).
 */
package io.azlhsm.copytool.archive.metadata;
