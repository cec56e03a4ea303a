package io.azlhsm.copytool.lustre;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.types.size_t;

/**
 * liblustreapi's own messages ({@code llapi_error}, {@code llapi_printf}) go to our log, at our level, instead of the
 * process's stderr and stdout. By default the library prints every message (its level starts at LLAPI_MSG_MAX,
 * lustre/utils/liblustreapi.c 64): errors of calls whose result the copytool handles anyway, a warning from
 * {@code llapi_changelog_start}, one line per progress report of a restore when the event FIFO is on. Here the
 * library's level follows the level of the logger {@value #LOGGER_NAME}, and both of its callbacks
 * ({@code llapi_error_callback_set}, {@code llapi_info_callback_set}) hand the message to that logger.
 *
 * <p>The callback receives the message as a printf format and a {@code va_list}. Java cannot read a va_list, but libc's
 * {@code vsnprintf} can: the va_list arrives as a pointer on x86_64 (an array type decays) and on aarch64 (a 32-byte
 * va_list is passed by reference), and that pointer is passed on unchanged, exactly once, into a fixed buffer (a
 * second pass would need va_copy, which does not exist as a function). Longer messages are cut, and say so.
 *
 * <p>Levels: LLAPI_MSG_FATAL is SEVERE; ERROR and WARN are WARNING (the library reports a failure of a call whose
 * -errno the caller also gets, and judges, and usually logs itself with more context); NORMAL is INFO; INFO is FINE;
 * DEBUG is FINEST.
 */
final class LibraryMessages {
    static final String LOGGER_NAME = "io.azlhsm.copytool.lustre.liblustreapi";

    // enum llapi_message_level and its flags (lustre/include/lustre/lustreapi.h)
    static final int LLAPI_MSG_OFF = 0;
    static final int LLAPI_MSG_FATAL = 1;
    static final int LLAPI_MSG_ERROR = 2;
    static final int LLAPI_MSG_WARN = 3;
    static final int LLAPI_MSG_NORMAL = 4;
    static final int LLAPI_MSG_INFO = 5;
    static final int LLAPI_MSG_DEBUG = 6;
    static final int LLAPI_MSG_MASK = 0x7;
    static final int LLAPI_MSG_NO_ERRNO = 0x10;

    /** Room for PATH_MAX and the words around it. */
    private static final int MESSAGE_MAX = 8192;

    private static final Logger LOG = Logger.getLogger(LOGGER_NAME);
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    /** The library keeps these callbacks' native addresses for the life of the process: they are never collected. */
    private static final LustreApi.LogCallback ERROR_CALLBACK = new ToLog(true);
    private static final LustreApi.LogCallback INFO_CALLBACK = new ToLog(false);
    /** Every library whose messages come here, by name or path (one per loaded .so), to follow log level changes. */
    private static final Map<String, LustreApi> INSTALLED = new ConcurrentHashMap<>();

    public interface LibC {
        int vsnprintf(Pointer str, @size_t long size, Pointer format, Pointer ap);

        String strerror(int errnum);
    }

    private LibraryMessages() {
    }

    /** Routes the library's messages here; a library without these calls keeps printing them (said once, here). */
    static void install(LustreApi api, String source) {
        try {
            api.llapi_error_callback_set(ERROR_CALLBACK);
            api.llapi_info_callback_set(INFO_CALLBACK);
            api.llapi_msg_set_level(libraryLevel(effectiveLevel(LOG)));
            INSTALLED.put(source, api);
        } catch (LinkageError | RuntimeException e) {
            LOG.warning(source + " has no llapi_msg_set_level / llapi_error_callback_set: its own messages go to"
                    + " stderr, not to this log (" + e.getMessage() + ")");
        }
    }

    /** Sets every installed library's level again from the logger's (after log.level changed). */
    static void followLogLevel() {
        int level = libraryLevel(effectiveLevel(LOG));
        INSTALLED.values().forEach(api -> api.llapi_msg_set_level(level));
    }

    /** The most verbose library level whose messages our logger would keep. */
    static int libraryLevel(Level logLevel) {
        int value = logLevel.intValue();
        if (value == Level.OFF.intValue()) {
            return LLAPI_MSG_OFF;
        }
        if (value > Level.WARNING.intValue()) {
            return LLAPI_MSG_FATAL;
        }
        if (value > Level.INFO.intValue()) {
            return LLAPI_MSG_WARN;
        }
        if (value > Level.FINE.intValue()) {
            return LLAPI_MSG_NORMAL;
        }
        if (value > Level.FINEST.intValue()) {
            return LLAPI_MSG_INFO;
        }
        return LLAPI_MSG_DEBUG;
    }

    /** Our level for a library message level (flags such as LLAPI_MSG_NO_ERRNO ignored). */
    static Level logLevel(int libraryLevel) {
        return switch (libraryLevel & LLAPI_MSG_MASK) {
            case LLAPI_MSG_OFF, LLAPI_MSG_FATAL -> Level.SEVERE;
            case LLAPI_MSG_ERROR, LLAPI_MSG_WARN -> Level.WARNING;
            case LLAPI_MSG_NORMAL -> Level.INFO;
            case LLAPI_MSG_INFO -> Level.FINE;
            default -> Level.FINEST;
        };
    }

    static Level effectiveLevel(Logger logger) {
        for (Logger l = logger; l != null; l = l.getParent()) {
            if (l.getLevel() != null) {
                return l.getLevel();
            }
        }
        return Level.INFO;
    }

    /** The text of one message, as the library's default callbacks would print it (without the program name). */
    static String format(int level, int err, Pointer format, Pointer ap, boolean withErrno) {
        Pointer buffer = Memory.allocateDirect(RUNTIME, MESSAGE_MAX, true);
        int length = LIBC.vsnprintf(buffer, MESSAGE_MAX, format, ap);
        String text;
        if (length < 0) {
            text = "(message not formatted: " + format.getString(0, MESSAGE_MAX, StandardCharsets.UTF_8) + ")";
        } else {
            text = buffer.getString(0, MESSAGE_MAX, StandardCharsets.UTF_8);
            if (length >= MESSAGE_MAX) {
                text += "... (cut at " + (MESSAGE_MAX - 1) + " of " + length + " bytes)";
            }
        }
        LustreLibrary.keepAlive(buffer);
        text = text.stripTrailing();
        if (withErrno && (level & LLAPI_MSG_NO_ERRNO) == 0) {
            text += ": " + LIBC.strerror(err) + " (" + err + ")";
        }
        return text;
    }

    /** llapi_log_callback_t into java.util.logging. */
    private static final class ToLog implements LustreApi.LogCallback {
        private final boolean errorCallback;

        ToLog(boolean errorCallback) {
            this.errorCallback = errorCallback;
        }

        @Override
        @Delegate
        public void log(int level, int err, Pointer fmt, Pointer ap) {
            try {
                Level our = logLevel(level);
                if (LOG.isLoggable(our)) {
                    LOG.log(our, format(level, err, fmt, ap, errorCallback));
                }
            } catch (RuntimeException | Error e) {
                // never into the library's C frames; the message is lost, not the caller
            }
        }
    }
}
