package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailedFilesTest {

    @Test
    void remembersFailedFilesOnceEachInTheOrderTheyFailed() {
        FailedFiles failed = new FailedFiles(3);
        failed.add(Path.of("b"));
        failed.add(Path.of("a"));
        failed.add(Path.of("b"));
        failed.add(Path.of("c"));
        failed.add(Path.of("a"));
        assertFalse(failed.overflowed(), "three files fit a bound of three, a file failing twice counts once");
        assertEquals(List.of(Path.of("b"), Path.of("a"), Path.of("c")), List.copyOf(failed.paths()));
    }

    @Test
    void pastTheBoundItForgetsThemAllAndSaysSoForAWalkToFindThem() {
        FailedFiles failed = new FailedFiles(2);
        failed.add(Path.of("a"));
        failed.add(Path.of("b"));
        failed.add(Path.of("c"));
        assertTrue(failed.overflowed(), "a third file past a bound of two");
        assertTrue(failed.paths().isEmpty(), "nothing is held once it overflowed: " + failed.paths());
        failed.add(Path.of("d"));
        assertTrue(failed.paths().isEmpty(), "nor afterwards: " + failed.paths());
    }

    @Test
    void refusesABoundBelowOne() {
        assertThrows(IllegalArgumentException.class, () -> new FailedFiles(0));
    }
}
