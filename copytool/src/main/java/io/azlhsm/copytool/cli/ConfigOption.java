package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.ConfigException;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/** The {@code --config FILE} option every command shares, and loading it with one clear message per failure. */
final class ConfigOption {
    private ConfigOption() {
    }

    static Option option() {
        return Option.builder("c").longOpt("config").hasArg().argName("FILE").required()
                .desc("configuration file (see conf/copytool.properties)").build();
    }

    /** The validated configuration, or empty after printing why it could not be loaded. */
    static Optional<CopytoolConfig> load(CommandLine line, String command, PrintStream err) {
        Path file = Path.of(line.getOptionValue("config"));
        try {
            return Optional.of(CopytoolConfig.load(file));
        } catch (ConfigException e) {
            err.println("copytool " + command + ": invalid configuration: " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("copytool " + command + ": configuration file not found: " + file);
        } catch (IOException e) {
            err.println("copytool " + command + ": cannot read configuration " + file + ": " + e);
        }
        return Optional.empty();
    }
}
