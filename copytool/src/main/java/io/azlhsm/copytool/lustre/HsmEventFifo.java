package io.azlhsm.copytool.lustre;

import java.nio.file.Path;

/**
 * liblustreapi's JSON HSM event FIFO (lhsmtool_posix's {@code --event-fifo}): once registered, the library itself
 * writes REGISTER, ARCHIVE_START, ..._RUNNING, ..._FINISH, ..._CANCEL, ..._ERROR and UNREGISTER events for every
 * action this process carries out, so tools written for lhsmtool_posix read ours unchanged. The library opens the
 * FIFO without blocking: a missing reader never holds up the agent.
 */
public final class HsmEventFifo implements AutoCloseable {
    private final LustreLibrary library;
    private final Path fifo;

    private HsmEventFifo(LustreLibrary library, Path fifo) {
        this.library = library;
        this.fifo = fifo;
    }

    /** Registers before the copytool registers, as lhsmtool_posix does, so the REGISTER event is written too. */
    public static HsmEventFifo register(LustreLibrary library, Path fifo) throws LustreException {
        LustreException.check(library.api().llapi_hsm_register_event_fifo(fifo.toString()),
                "llapi_hsm_register_event_fifo", fifo.toString());
        return new HsmEventFifo(library, fifo);
    }

    @Override
    public void close() throws LustreException {
        LustreException.check(library.api().llapi_hsm_unregister_event_fifo(fifo.toString()),
                "llapi_hsm_unregister_event_fifo", fifo.toString());
    }
}
