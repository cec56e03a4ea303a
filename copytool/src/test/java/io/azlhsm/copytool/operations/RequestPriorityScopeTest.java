package io.azlhsm.copytool.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.azlhsm.copytool.archive.RequestPriority;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An action's calls to the archive carry its priority, and only its calls. */
class RequestPriorityScopeTest {
    @Test
    void aCallToTheArchiveRunsWithTheActionsPriorityAndNothingLeaksAfterIt() throws Exception {
        OutagePatience patience = new OutagePatience(Duration.ofMinutes(1));
        assertEquals(RequestPriority.OTHER, RequestPriority.current(), "a thread outside any action");
        assertEquals(RequestPriority.RESTORE,
                patience.call(new Action(RequestPriority.RESTORE), "reading", RequestPriority::current));
        assertEquals(RequestPriority.OTHER, RequestPriority.current(), "the restore's priority stayed on the thread");
        assertEquals(RequestPriority.OTHER,
                patience.call(new Action(RequestPriority.OTHER), "writing", RequestPriority::current));
    }

    @Test
    void aNestedScopeGivesBackTheOuterOne() {
        try (RequestPriority.Scope outer = RequestPriority.during(RequestPriority.RESTORE)) {
            try (RequestPriority.Scope inner = RequestPriority.during(RequestPriority.OTHER)) {
                assertEquals(RequestPriority.OTHER, RequestPriority.current());
            }
            assertEquals(RequestPriority.RESTORE, RequestPriority.current());
        }
        assertEquals(RequestPriority.OTHER, RequestPriority.current());
    }

    private record Action(RequestPriority requestPriority) implements PatientAction {
        private static final ActionStop STOP = new ActionStop(true);

        @Override
        public StopReason stopReason() {
            return null;
        }

        @Override
        public ActionStop actionStop() {
            return STOP;
        }

        @Override
        public boolean abandoned() {
            return false;
        }

        @Override
        public void keepAlive() {
        }

        @Override
        public String describe() {
            return "test action " + requestPriority;
        }
    }
}
