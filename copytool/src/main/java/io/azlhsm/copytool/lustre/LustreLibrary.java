package io.azlhsm.copytool.lustre;

import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A loaded liblustreapi-compatible shared library: the real {@code liblustreapi.so} on a Lustre client, or the
 * test cluster's {@code libhsmsim.so}. Which one is configuration ({@code lustre.library}); the code above this
 * class is the same either way.
 */
public final class LustreLibrary {
    private final LustreApi api;
    private final Runtime runtime;
    private final String source;

    private LustreLibrary(LustreApi api, String source) {
        this.api = api;
        this.runtime = Runtime.getRuntime(api);
        this.source = source;
    }

    /**
     * Loads the library.
     *
     * @param nameOrPath a library name resolved by the dynamic linker ({@code lustreapi} finds
     *                   {@code liblustreapi.so}), or an absolute path to a {@code .so}
     * @throws IllegalStateException naming what was tried when the library cannot be loaded
     */
    public static LustreLibrary load(String nameOrPath) {
        Objects.requireNonNull(nameOrPath, "nameOrPath");
        if (nameOrPath.isBlank()) {
            throw new IllegalArgumentException("lustre library name or path is empty");
        }
        try {
            // Refuse to start where a struct the binding builds is not known: imports would get wrong attributes.
            StatLayout.host();
        } catch (UnsupportedOperationException e) {
            throw new IllegalStateException("cannot use the Lustre API library on this machine: " + e.getMessage(), e);
        }
        boolean isPath = nameOrPath.contains("/");
        if (isPath) {
            Path path = Path.of(nameOrPath);
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException("lustre library path must be absolute: " + nameOrPath);
            }
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("cannot load the Lustre API library: " + path
                        + " does not exist or is not a regular file");
            }
        }
        try {
            // Symbols are bound lazily: a library lacking a function fails when that function is first called.
            LustreApi api = LibraryLoader.create(LustreApi.class).failImmediately().load(nameOrPath);
            LibraryMessages.install(api, nameOrPath); // the library's own messages into our log, not stderr
            return new LustreLibrary(api, nameOrPath);
        } catch (LinkageError | RuntimeException e) {
            String tried = isPath
                    ? "the file " + nameOrPath
                    : "the name '" + nameOrPath + "' (lib" + nameOrPath + ".so on the dynamic linker's search path:"
                            + " LD_LIBRARY_PATH, ld.so.cache, /lib, /usr/lib)";
            throw new IllegalStateException("cannot load the Lustre API library from " + tried + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sets the message level of every loaded library again from the level of the logger its messages go to
     * ({@code io.azlhsm.copytool.lustre.liblustreapi}); call after changing log levels.
     */
    public static void followLogLevel() {
        LibraryMessages.followLogLevel();
    }

    /** The raw binding; prefer the typed classes of this package. */
    public LustreApi api() {
        return api;
    }

    /** What was loaded: the name or path given to {@link #load}. */
    public String source() {
        return source;
    }

    Runtime runtime() {
        return runtime;
    }

    /** Zeroed native memory owned by the Java heap (freed when unreachable), for one call's in/out struct. */
    Pointer allocate(int size) {
        return Memory.allocateDirect(runtime, size, true);
    }

    /** Native memory holding a copy of {@code bytes}. */
    Pointer copyToNative(byte[] bytes) {
        Pointer memory = Memory.allocateDirect(runtime, Math.max(1, bytes.length), true);
        memory.put(0, bytes, 0, bytes.length);
        return memory;
    }

    /**
     * {@code length} bytes at {@code pointer}, copied to the Java heap. Also keeps the pointer alive up to here: see
     * {@link #keepAlive}.
     */
    static byte[] copyFromNative(Pointer pointer, int length) {
        byte[] bytes = new byte[length];
        pointer.get(0, bytes, 0, length);
        keepAlive(pointer);
        return bytes;
    }

    /**
     * Marks native memory from {@link #allocate} or {@link #copyToNative} as in use up to this point. It is freed when
     * its Pointer is collected, and once jnr-ffi has taken the address for a call the JIT may treat the Pointer as
     * unreachable, even while the call still writes into the memory: seen as a SIGSEGV in action_begin, and as
     * llapi_fid2path results read from memory malloc had already reused, under 32 concurrent small-file actions.
     * Every buffer passed to a call must be fenced after the call and after its result is read.
     */
    static void keepAlive(Pointer pointer) {
        Reference.reachabilityFence(pointer);
    }

    @Override
    public String toString() {
        return "LustreLibrary[" + source + "]";
    }
}
