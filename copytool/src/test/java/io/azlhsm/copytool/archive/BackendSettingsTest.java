package io.azlhsm.copytool.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.BackendSettings.BackendType;
import io.azlhsm.copytool.archive.posix.PosixBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendSettingsTest {

    @Test
    void defaultsMatchTheConfigurationReference() {
        BackendSettings settings = BackendSettings.builder(1, BackendType.AZURE).build();
        assertEquals(32L << 20, settings.singlePutLimit());
        assertEquals(32, settings.maxConcurrency());
        assertEquals("", settings.prefix());
        assertTrue(settings.createContainer());
        assertEquals(BackendSettings.RetrySettings.DEFAULT, settings.retry());
    }

    @Test
    void secretsNeverShowInToString() {
        BackendSettings settings = BackendSettings.builder(1, BackendType.AZURE)
                .connectionString(BackendSecret.of("AccountKey=KEYKEY")).accountKey(BackendSecret.of("KEYKEY".toCharArray()))
                .sasToken(BackendSecret.of("sv=1&sig=SIGSIG")).build();
        assertFalse(settings.toString().contains("KEYKEY"), settings.toString());
        assertFalse(settings.toString().contains("SIGSIG"), settings.toString());
        assertEquals("***", settings.sasToken().toString());
        assertEquals("sv=1&sig=SIGSIG", settings.sasToken().reveal());
        assertEquals(settings, settings.toBuilder().build());
    }

    @Test
    void emptySecretsAreAbsent() {
        assertNull(BackendSecret.of(""));
        assertNull(BackendSecret.of((String) null));
        assertNull(BackendSecret.of(new char[0]));
    }

    @Test
    void impossibleValuesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> BackendSettings.builder(1, BackendType.POSIX).maxConcurrency(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> BackendSettings.builder(1, BackendType.POSIX).chunkSize(3L << 30).build());
        assertThrows(IllegalArgumentException.class,
                () -> new BackendSettings.RetrySettings(0, java.time.Duration.ZERO, java.time.Duration.ZERO,
                        java.time.Duration.ZERO));
    }

    @Test
    void theFactoryBuildsEachTypeAndNamesTheArchiveWhenSettingsAreMissing(@TempDir Path root) throws Exception {
        try (ArchiveBackend posix = BackendFactory.create(BackendSettings.builder(3, BackendType.POSIX)
                .root(root).prefix("fs1").build())) {
            assertInstanceOf(PosixBackend.class, posix);
            assertEquals("posix " + root + " prefix=fs1/", posix.describe());
        }
        IllegalArgumentException noRoot = assertThrows(IllegalArgumentException.class,
                () -> BackendFactory.create(BackendSettings.builder(4, BackendType.POSIX).build()));
        assertTrue(noRoot.getMessage().contains("archive 4"), noRoot.getMessage());
        IllegalArgumentException noContainer = assertThrows(IllegalArgumentException.class,
                () -> BackendFactory.create(BackendSettings.builder(5, BackendType.AZURE).build()));
        assertTrue(noContainer.getMessage().contains("archive 5"), noContainer.getMessage());
        IllegalArgumentException noCredentials = assertThrows(IllegalArgumentException.class,
                () -> BackendFactory.create(BackendSettings.builder(6, BackendType.AZURE).container("c")
                        .accountUrl("https://acct.blob.core.windows.net").build()));
        assertTrue(noCredentials.getMessage().contains("archive 6"), noCredentials.getMessage());
    }
}
