package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Where glibc's {@code struct stat} keeps the fields {@code llapi_hsm_import} reads, per architecture: the struct is
 * the C library's own, so the same bytes mean different things on another machine. Little-endian on both.
 *
 * <ul>
 *   <li>x86_64 (glibc {@code sysdeps/unix/sysv/linux/x86/bits/struct_stat.h}, kernel
 *       {@code arch/x86/include/uapi/asm/stat.h}): 144 bytes; st_nlink u64@16 before st_mode u32@24, uid@28,
 *       gid@32.</li>
 *   <li>aarch64 (glibc {@code sysdeps/unix/sysv/linux/generic/bits/struct_stat.h}, kernel
 *       {@code include/uapi/asm-generic/stat.h}): 128 bytes; st_mode u32@16, st_nlink u32@20, uid@24, gid@28,
 *       st_rdev@32, __pad1@40, st_size@48, st_blksize i32@56, __pad2@60, st_blocks@64.</li>
 * </ul>
 * Both put st_size@48 and the three timespecs at 72, 88 and 104 ({tv_sec i64, tv_nsec i64}).
 */
public enum StatLayout {
    X86_64(144, 16, 8, 24, 28, 32),
    AARCH64(128, 20, 4, 16, 24, 28);

    static final int ST_SIZE = 48;
    static final int ST_ATIM = 72;
    static final int ST_MTIM = 88;
    static final int ST_CTIM = 104;

    private final int size;
    private final int nlinkOffset;
    private final int nlinkWidth;
    private final int modeOffset;
    private final int uidOffset;
    private final int gidOffset;

    StatLayout(int size, int nlinkOffset, int nlinkWidth, int modeOffset, int uidOffset, int gidOffset) {
        this.size = size;
        this.nlinkOffset = nlinkOffset;
        this.nlinkWidth = nlinkWidth;
        this.modeOffset = modeOffset;
        this.uidOffset = uidOffset;
        this.gidOffset = gidOffset;
    }

    /** sizeof(struct stat). */
    public int size() {
        return size;
    }

    int modeOffset() {
        return modeOffset;
    }

    int uidOffset() {
        return uidOffset;
    }

    int gidOffset() {
        return gidOffset;
    }

    void putNlink(ByteBuffer le, long nlink) {
        if (nlinkWidth == 8) {
            le.putLong(nlinkOffset, nlink);
        } else {
            le.putInt(nlinkOffset, (int) nlink);
        }
    }

    /** The layout of the machine this JVM runs on. */
    public static StatLayout host() {
        return forArchitecture(System.getProperty("os.arch"));
    }

    /**
     * The layout for a JVM {@code os.arch} value; {@link UnsupportedOperationException} naming the architecture for
     * any other, so that an agent never hands liblustreapi a struct it would misread (wrong mode, uid and gid on
     * every imported file).
     */
    public static StatLayout forArchitecture(String osArch) {
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedOperationException("unsupported architecture '" + osArch
                    + "': the struct stat that llapi_hsm_import reads is known only for x86_64 and aarch64");
        };
    }
}
