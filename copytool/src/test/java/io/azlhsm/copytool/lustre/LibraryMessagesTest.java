package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The library's own messages reach java.util.logging: native-shim's libllapi_echo.so calls the callback that
 * {@link LustreLibrary#load} installed exactly as liblustreapi's llapi_error does (level, errno, printf format and a
 * va_list of mixed arguments), and keeps the message level the binding set.
 */
class LibraryMessagesTest {
    public interface Echo {
        int llapi_echo_log(int info, int level, int err, String text);

        int llapi_msg_get_level();
    }

    private static Echo echo;
    private final Logger logger = Logger.getLogger(LibraryMessages.LOGGER_NAME);
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void load() {
        String path = Path.of(System.getProperty("azlhsm.native.dir"), "libllapi_echo.so").toString();
        LustreLibrary.load(path);
        echo = LibraryLoader.create(Echo.class).failImmediately().load(path);
    }

    @BeforeEach
    void watch() {
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void unwatch() {
        logger.removeHandler(handler);
        logger.setLevel(null);
        LustreLibrary.followLogLevel();
    }

    @Test
    void anErrorIsFormattedWithItsErrnoAndLoggedAsAWarning() {
        assertEquals(0, echo.llapi_echo_log(0, LibraryMessages.LLAPI_MSG_ERROR, 17, "cannot start copytool on '/mnt/x'"));
        assertEquals(1, records.size(), records.toString());
        assertEquals(Level.WARNING, records.get(0).getLevel());
        assertEquals("cannot start copytool on '/mnt/x': 42 -7 2.5: File exists (17)", records.get(0).getMessage());
    }

    @Test
    void aMessageWithoutErrnoHasNone() {
        echo.llapi_echo_log(0, LibraryMessages.LLAPI_MSG_WARN | LibraryMessages.LLAPI_MSG_NO_ERRNO, 0,
                "warning: llapi_changelog_start() called without CHANGELOG_FLAG_EXTRA_FLAGS");
        assertEquals("warning: llapi_changelog_start() called without CHANGELOG_FLAG_EXTRA_FLAGS: 42 -7 2.5",
                records.get(0).getMessage());
        assertEquals(Level.WARNING, records.get(0).getLevel());
    }

    @Test
    void theInfoCallbackLogsToo() {
        echo.llapi_echo_log(1, LibraryMessages.LLAPI_MSG_NORMAL, 0, "output");
        assertEquals(Level.INFO, records.get(0).getLevel());
        assertEquals("output: 42 -7 2.5", records.get(0).getMessage());
    }

    @Test
    void aLongMessageIsCutAndSaysSo() {
        String text = "x".repeat(9000);
        echo.llapi_echo_log(0, LibraryMessages.LLAPI_MSG_ERROR | LibraryMessages.LLAPI_MSG_NO_ERRNO, 0, text);
        String message = records.get(0).getMessage();
        assertTrue(message.startsWith("x".repeat(8191) + "... (cut at 8191 of 9011 bytes)"), message.substring(8000));
    }

    @Test
    void theLibraryLevelFollowsTheLogger() {
        assertEquals(LibraryMessages.libraryLevel(LibraryMessages.effectiveLevel(logger)), echo.llapi_msg_get_level(),
                "set at load from the logger's level");
        logger.setLevel(Level.FINEST);
        LustreLibrary.followLogLevel();
        assertEquals(LibraryMessages.LLAPI_MSG_DEBUG, echo.llapi_msg_get_level());
        logger.setLevel(Level.WARNING);
        LustreLibrary.followLogLevel();
        assertEquals(LibraryMessages.LLAPI_MSG_WARN, echo.llapi_msg_get_level());
        echo.llapi_echo_log(1, LibraryMessages.LLAPI_MSG_NORMAL, 0, "below the level");
        assertEquals(List.of(), records, "an INFO message with the logger at WARNING");
    }

    @Test
    void levelsMapBothWays() {
        assertEquals(LibraryMessages.LLAPI_MSG_OFF, LibraryMessages.libraryLevel(Level.OFF));
        assertEquals(LibraryMessages.LLAPI_MSG_FATAL, LibraryMessages.libraryLevel(Level.SEVERE));
        assertEquals(LibraryMessages.LLAPI_MSG_WARN, LibraryMessages.libraryLevel(Level.WARNING));
        assertEquals(LibraryMessages.LLAPI_MSG_NORMAL, LibraryMessages.libraryLevel(Level.INFO));
        assertEquals(LibraryMessages.LLAPI_MSG_NORMAL, LibraryMessages.libraryLevel(Level.CONFIG));
        assertEquals(LibraryMessages.LLAPI_MSG_INFO, LibraryMessages.libraryLevel(Level.FINE));
        assertEquals(LibraryMessages.LLAPI_MSG_DEBUG, LibraryMessages.libraryLevel(Level.ALL));
        for (int level = LibraryMessages.LLAPI_MSG_FATAL; level <= LibraryMessages.LLAPI_MSG_DEBUG; level++) {
            Level ours = LibraryMessages.logLevel(level);
            assertTrue(LibraryMessages.libraryLevel(ours) >= level,
                    "a message of level " + level + " logged at " + ours + " is let through at that level");
        }
    }
}
