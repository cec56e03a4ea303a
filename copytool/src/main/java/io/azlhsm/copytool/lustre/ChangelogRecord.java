package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import jnr.ffi.Pointer;

/**
 * One changelog record ({@code struct changelog_rec} and its extensions), copied out of native memory.
 *
 * <p>Layout (reference "Other llapi calls"): a 64-byte packed header, u16 cr_namelen@0, u16 cr_flags@2, u32
 * cr_type@4, u64 cr_index@8, u64 cr_prev@16, u64 cr_time@24, lu_fid cr_tfid@32, lu_fid cr_pfid@48; then, in this
 * order and only when cr_flags says so, CLF_RENAME (cr_sfid, cr_spfid: 32 bytes), CLF_JOBID (char[32]),
 * CLF_EXTRA_FLAGS (u64); then cr_namelen bytes of name. A rename record's name is "new name NUL old name": Lustre
 * appends the source name after the target name's NUL, inside cr_namelen.
 *
 * <p>Extra flags may name further extensions whose sizes the reference does not give; a record naming any is
 * refused rather than having its name read from a guessed offset. {@link ChangelogReader} does not ask for them.
 *
 * @param sourceFid        cr_sfid (CLF_RENAME records only)
 * @param sourceParentFid  cr_spfid (CLF_RENAME records only)
 * @param jobId            the job id (CLF_JOBID records only)
 * @param extraFlags       cr_extra_flags (CLF_EXTRA_FLAGS records only)
 * @param name             the entry's name (a rename's new name), without what follows a NUL
 * @param sourceName       a rename's old name (what follows the NUL in the name bytes), when present
 */
public record ChangelogRecord(int typeCode, int flags, long index, long prev, long time, LuFid targetFid,
                              LuFid parentFid, Optional<LuFid> sourceFid, Optional<LuFid> sourceParentFid,
                              Optional<String> jobId, Optional<Long> extraFlags, String name,
                              Optional<String> sourceName) {

    /** A record without a source name (anything but a rename). */
    public ChangelogRecord(int typeCode, int flags, long index, long prev, long time, LuFid targetFid,
                           LuFid parentFid, Optional<LuFid> sourceFid, Optional<LuFid> sourceParentFid,
                           Optional<String> jobId, Optional<Long> extraFlags, String name) {
        this(typeCode, flags, index, prev, time, targetFid, parentFid, sourceFid, sourceParentFid, jobId, extraFlags,
                name, Optional.empty());
    }

    public static final int HEADER_SIZE = 64;
    static final int RENAME_SIZE = 32;
    static final int JOBID_SIZE = 32;
    static final int EXTRA_FLAGS_SIZE = 8;

    /** Reads the record at {@code rec}: the header first, to learn how many bytes the whole record has. */
    public static ChangelogRecord decode(Pointer rec) throws LustreFormatException {
        byte[] header = new byte[HEADER_SIZE];
        rec.get(0, header, 0, HEADER_SIZE);
        int size = sizeFromHeader(ByteBuffer.wrap(header));
        byte[] whole = new byte[size];
        rec.get(0, whole, 0, size);
        return decode(ByteBuffer.wrap(whole));
    }

    /** Decodes a record starting at index 0 of the buffer; the buffer must hold at least the whole record. */
    public static ChangelogRecord decode(ByteBuffer buffer) throws LustreFormatException {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (le.limit() < HEADER_SIZE) {
            throw new LustreFormatException("changelog_rec of " + le.limit() + " bytes is shorter than its "
                    + HEADER_SIZE + "-byte header");
        }
        int size = sizeFromHeader(le);
        if (le.limit() < size) {
            throw new LustreFormatException("changelog_rec needs " + size + " bytes, only " + le.limit()
                    + " available");
        }
        int namelen = Short.toUnsignedInt(le.getShort(0));
        int flags = Short.toUnsignedInt(le.getShort(2));
        int position = HEADER_SIZE;
        Optional<LuFid> sourceFid = Optional.empty();
        Optional<LuFid> sourceParentFid = Optional.empty();
        Optional<String> jobId = Optional.empty();
        Optional<Long> extraFlags = Optional.empty();
        if ((flags & ChangelogFlags.CLF_RENAME) != 0) {
            sourceFid = Optional.of(LuFid.read(le, position));
            sourceParentFid = Optional.of(LuFid.read(le, position + LuFid.SIZE));
            position += RENAME_SIZE;
        }
        if ((flags & ChangelogFlags.CLF_JOBID) != 0) {
            jobId = Optional.of(cString(le, position, JOBID_SIZE));
            position += JOBID_SIZE;
        }
        if ((flags & ChangelogFlags.CLF_EXTRA_FLAGS) != 0) {
            extraFlags = Optional.of(le.getLong(position));
            position += EXTRA_FLAGS_SIZE;
        }
        byte[] name = new byte[namelen];
        le.get(position, name);
        int nul = 0;
        while (nul < namelen && name[nul] != 0) {
            nul++;
        }
        Optional<String> sourceName = nul < namelen
                ? Optional.of(new String(name, nul + 1, namelen - nul - 1, StandardCharsets.UTF_8))
                : Optional.empty();
        return new ChangelogRecord(le.getInt(4), flags, le.getLong(8), le.getLong(16), le.getLong(24),
                LuFid.read(le, 32), LuFid.read(le, 48), sourceFid, sourceParentFid, jobId, extraFlags,
                new String(name, 0, nul, StandardCharsets.UTF_8), sourceName);
    }

    /** Total record size implied by the header (and, with CLF_EXTRA_FLAGS, by the extra flags' value). */
    private static int sizeFromHeader(ByteBuffer header) throws LustreFormatException {
        ByteBuffer le = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int namelen = Short.toUnsignedInt(le.getShort(0));
        int flags = Short.toUnsignedInt(le.getShort(2));
        int size = HEADER_SIZE;
        if ((flags & ChangelogFlags.CLF_RENAME) != 0) {
            size += RENAME_SIZE;
        }
        if ((flags & ChangelogFlags.CLF_JOBID) != 0) {
            size += JOBID_SIZE;
        }
        if ((flags & ChangelogFlags.CLF_EXTRA_FLAGS) != 0) {
            if (le.limit() >= size + EXTRA_FLAGS_SIZE) {
                long extra = le.getLong(size);
                if (extra != 0) {
                    throw new LustreFormatException("changelog_rec index " + Long.toUnsignedString(le.getLong(8))
                            + " has cr_extra_flags 0x" + Long.toHexString(extra)
                            + ", naming extensions whose layout this copytool does not know");
                }
            }
            size += EXTRA_FLAGS_SIZE;
        }
        return size + namelen;
    }

    private static String cString(ByteBuffer le, int offset, int capacity) {
        int end = 0;
        while (end < capacity && le.get(offset + end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end];
        le.get(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public ChangelogRecordType type() {
        return ChangelogRecordType.fromCode(typeCode);
    }

    /** The per-type flags (low 12 bits of cr_flags). */
    public int typeFlags() {
        return flags & ChangelogFlags.CLF_FLAGMASK;
    }
}
