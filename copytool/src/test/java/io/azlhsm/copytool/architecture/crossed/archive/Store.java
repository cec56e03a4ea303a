package io.azlhsm.copytool.architecture.crossed.archive;

import io.azlhsm.copytool.architecture.crossed.cli.Command;

/** A fixture for ArchitectureTest: a backend that uses the command line, which the layers forbid. */
public final class Store {
    public String name() {
        return Command.name();
    }
}
