package io.azlhsm.copytool.jobs;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.azlhsm.testcluster.harness.Cluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a dry run must leave as it found: every path under a tree with its type, size, mtime, HSM flags and xattrs
 * (all of them, trusted.* included, as {@code getfattr} dumps them), the job store under the mount, and every blob
 * of a container with its ETag, tier and metadata. Two snapshots are equal when nothing of that changed.
 */
public record TreeSnapshot(Map<String, String> paths, String xattrs, Map<String, String> blobs) {

    public static TreeSnapshot take(Cluster cluster, Path tree, BlobContainerClient container) throws Exception {
        Map<String, String> paths = new TreeMap<>();
        for (Path root : new Path[] {tree, cluster.mount().resolve(".azlhsm")}) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                paths.put(root.toString(), "(absent)");
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path path : walk.toList()) {
                    paths.put(path.toString(), describe(cluster, path));
                }
            }
        }
        Map<String, String> blobs = new TreeMap<>();
        if (container.exists()) {
            for (BlobItem blob : container.listBlobs(new ListBlobsOptions().setDetails(
                    new BlobListDetails().setRetrieveMetadata(true)), null)) {
                blobs.put(blob.getName(), "etag=" + blob.getProperties().getETag() + " tier="
                        + blob.getProperties().getAccessTier() + " metadata=" + new TreeMap<>(
                        blob.getMetadata() == null ? Map.of() : blob.getMetadata()));
            }
        }
        return new TreeSnapshot(paths, xattrs(tree), blobs);
    }

    private static String describe(Cluster cluster, Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        String type = attributes.isDirectory() ? "dir" : attributes.isSymbolicLink() ? "link" : "file";
        return type + " size=" + attributes.size() + " mtime=" + attributes.lastModifiedTime()
                + (attributes.isRegularFile() ? " hsm=0x" + Integer.toHexString(cluster.flags(path)) : "");
    }

    /** Every xattr of every path under the tree (symlinks not followed), values in hex. */
    private static String xattrs(Path tree) throws Exception {
        Process dump = new ProcessBuilder("getfattr", "-R", "-P", "-d", "-m", "-", "-e", "hex", "--absolute-names",
                tree.toString()).redirectErrorStream(true).start();
        String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!dump.waitFor(60, TimeUnit.SECONDS) || dump.exitValue() != 0) {
            throw new IOException("getfattr of " + tree + " failed: " + out);
        }
        return out;
    }
}
