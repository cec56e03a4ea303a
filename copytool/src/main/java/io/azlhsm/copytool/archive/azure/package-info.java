/**
 * The azure backend: block blobs in one container through com.azure:azure-storage-blob.
 *
 * <ul>
 *   <li>{@link io.azlhsm.copytool.archive.azure.AzureBlobBackend}: the backend (requests, conditions, limits);</li>
 *   <li>{@link io.azlhsm.copytool.archive.azure.AzureChunkedUpload}: Put Block with per-block MD5, Put Block List;</li>
 *   <li>{@code BlockIds}: fixed-length block ids carrying an upload token;</li>
 *   <li>{@code AzureContainerClients}: authentication, the two pipelines and the SDK retry policy;</li>
 *   <li>{@link io.azlhsm.copytool.archive.azure.AzureHttpClients}: the chosen HTTP transports (OkHttp, JDK);</li>
 *   <li>{@link io.azlhsm.copytool.archive.azure.AzureTransports}: which request takes which transport;</li>
 *   <li>{@code AzureErrors}: what the SDK throws, as {@link io.azlhsm.copytool.archive.ArchiveException} kinds.</li>
 * </ul>
 */
package io.azlhsm.copytool.archive.azure;
