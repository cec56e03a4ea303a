package io.azlhsm.copytool.archive.posix;

import static io.azlhsm.copytool.archive.WriteCondition.absent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.StoredObject;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing walks the tree, but must page exactly as a blob listing of the same names would: in the order of whole
 * names, where '-', '.' and '0' sort on either side of the '/' that ends a directory's name.
 */
class PosixTreeListingTest {
    private static final String[] SEGMENTS = {"a", "a-", "a.b", "a0", "ab", "b", "b-c"};

    @TempDir
    Path root;

    @Test
    void pagesGiveEveryNameUnderThePrefixOnceInBlobOrderWhateverThePageSize() throws Exception {
        PosixBackend backend = new PosixBackend(root.resolve("archive"), "", 1 << 20, 4 << 20);
        TreeSet<String> objects = buildRandomTree(backend, new Random(20261207));

        for (String prefix : List.of("", "a", "a-", "a/", "a/a", "a/a/", "a.b/", "ab/b", "b", "zz")) {
            List<String> expected = objects.stream().filter(name -> name.startsWith(prefix)).toList();
            for (int pageSize : new int[] {1, 2, 7, 1000}) {
                List<String> listed = new ArrayList<>();
                String token = null;
                int pages = 0;
                do {
                    ObjectListing page = backend.list(prefix, token, pageSize);
                    assertTrue(page.objects().size() <= pageSize, "page of " + page.objects().size());
                    page.objects().stream().map(StoredObject::name).forEach(listed::add);
                    token = page.next().orElse(null);
                    assertTrue(++pages <= expected.size() + 1, "the listing does not end");
                } while (token != null);
                assertEquals(expected, listed, "prefix '" + prefix + "', pages of " + pageSize);
            }
        }
    }

    @Test
    void aNameBesideADirectorySortsBeforeOrAfterItsObjectsAsAzureSortsThem() throws Exception {
        PosixBackend backend = new PosixBackend(root.resolve("archive"), "", 1 << 20, 4 << 20);
        for (String name : List.of("d/x", "d-1", "d.1", "d0", "d/y/z")) {
            backend.putWhole(name, ByteBuffer.wrap(new byte[] {1}), ObjectAttributes.none(), absent());
        }
        backend.putMarker("d", ObjectAttributes.none());

        ObjectListing all = backend.list("", null, 100);

        assertEquals(List.of("d", "d-1", "d.1", "d/x", "d/y/z", "d0"),
                all.objects().stream().map(StoredObject::name).toList());
        assertNull(all.next().orElse(null));
    }

    /** Files at random paths of one to four segments, and markers on a third of the directories they make. */
    private static TreeSet<String> buildRandomTree(PosixBackend backend, Random random) throws Exception {
        TreeSet<String> files = new TreeSet<>();
        while (files.size() < 150) {
            StringBuilder name = new StringBuilder();
            int depth = 1 + random.nextInt(4);
            for (int i = 0; i < depth; i++) {
                name.append(i == 0 ? "" : "/").append(SEGMENTS[random.nextInt(SEGMENTS.length)]);
            }
            files.add(name.toString());
        }
        TreeSet<String> directories = new TreeSet<>();
        for (String file : files) {
            for (int slash = file.indexOf('/'); slash > 0; slash = file.indexOf('/', slash + 1)) {
                directories.add(file.substring(0, slash));
            }
        }
        files.removeAll(directories); // a name cannot be a file and a directory at once
        TreeSet<String> objects = new TreeSet<>(files);
        for (String file : files) {
            backend.putWhole(file, ByteBuffer.wrap(file.getBytes()), ObjectAttributes.none(), absent());
        }
        for (String directory : directories) {
            if (random.nextInt(3) == 0) {
                backend.putMarker(directory, ObjectAttributes.none());
                objects.add(directory);
            }
        }
        return objects;
    }
}
