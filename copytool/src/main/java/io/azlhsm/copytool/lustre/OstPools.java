package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.Pointer;

/**
 * A file system's OSTs one by one and its OST pools, as {@code lfs df --pool} reads them: the members of a pool
 * ({@code llapi_get_poolmembers}) and each OST's statfs ({@code llapi_obd_statfs} with LL_STATFS_LOV, by index until
 * ENODEV).
 */
public final class OstPools {
    /** enum ll_statfs_flags: LL_STATFS_LOV, the OSTs. */
    static final int LL_STATFS_LOV = 2;
    /** sizeof(struct obd_statfs) and of struct obd_uuid (lustre_user.h). */
    static final int OBD_STATFS_SIZE = 144;
    static final int OBD_UUID_SIZE = 40;
    /** The most members asked for: Lustre has at most 65536 OSTs. */
    private static final int MAX_MEMBERS = 65536;

    private final LustreLibrary library;

    public OstPools(LustreLibrary library) {
        this.library = library;
    }

    /** One OST's figures: blocks of bsize bytes, free, and available to users. */
    public record OstStatfs(String uuid, long bsize, long blocks, long bfree, long bavail) {
    }

    /**
     * The statfs of the OST of this index, through the mount; empty past the last OST (ENODEV, where lfs df stops)
     * and for an inactive OST (ENODATA or EAGAIN, which lfs df skips: it counts no space).
     */
    public Optional<OstStatfs> ost(Path mount, int index) throws LustreException {
        Pointer stat = library.allocate(OBD_STATFS_SIZE);
        Pointer uuid = library.allocate(OBD_UUID_SIZE);
        int rc = library.api().llapi_obd_statfs(mount.toString(), LL_STATFS_LOV, index, stat, uuid);
        if (rc == -Errno.ENODEV || rc == -Errno.ENODATA || rc == -Errno.EAGAIN) {
            LustreLibrary.keepAlive(stat);
            LustreLibrary.keepAlive(uuid);
            if (rc == -Errno.ENODEV) {
                return Optional.empty();
            }
            return Optional.of(new OstStatfs("", 0, 0, 0, 0));
        }
        LustreException.check(rc, "llapi_obd_statfs", mount + " OST index " + index);
        byte[] raw = new byte[OBD_STATFS_SIZE];
        stat.get(0, raw, 0, raw.length);
        byte[] name = new byte[OBD_UUID_SIZE];
        uuid.get(0, name, 0, name.length);
        LustreLibrary.keepAlive(stat);
        LustreLibrary.keepAlive(uuid);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.nativeOrder());
        return Optional.of(new OstStatfs(cString(name, 0), Integer.toUnsignedLong(b.getInt(88)), b.getLong(8),
                b.getLong(16), b.getLong(24)));
    }

    /** The member OST UUIDs of pool {@code fsnamePool} ("FSNAME.POOL"), e.g. lustre-OST0001_UUID. */
    public List<String> members(String fsnamePool) throws LustreException {
        int listSize = 256;
        while (true) {
            int bufferSize = listSize * OBD_UUID_SIZE;
            Pointer members = library.allocate(listSize * Long.BYTES);
            Pointer buffer = library.allocate(bufferSize);
            int rc = library.api().llapi_get_poolmembers(fsnamePool, members, listSize, buffer, bufferSize);
            if (rc == -Errno.EOVERFLOW && listSize < MAX_MEMBERS) {
                listSize *= 4;
                continue;
            }
            LustreException.check(rc, "llapi_get_poolmembers", fsnamePool);
            byte[] raw = new byte[bufferSize];
            buffer.get(0, raw, 0, raw.length);
            LustreLibrary.keepAlive(members);
            LustreLibrary.keepAlive(buffer);
            List<String> names = new ArrayList<>();
            int at = 0;
            for (int i = 0; i < rc; i++) {
                String name = cString(raw, at);
                names.add(name);
                at += name.getBytes(StandardCharsets.UTF_8).length + 1;
            }
            return names;
        }
    }

    private static String cString(byte[] raw, int from) {
        int end = from;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        return new String(raw, from, end - from, StandardCharsets.UTF_8);
    }
}
