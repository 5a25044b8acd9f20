package dovetail.proxy.cli;

import dovetail.conf.ConfigException;
import dovetail.conf.ConfigLoader;
import dovetail.conf.Settings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** `-c FILE` and `-o key=value`, shared by every command that reads the configuration. */
final class ConfigOptions {
  @CommandLine.Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "configuration file")
  Path config;

  @CommandLine.Option(names = "-o", paramLabel = "key=value", description = "override a setting (repeatable)")
  List<String> overrides = new ArrayList<>();

  /**
   * Loads the settings, printing each warning once. A mistake in the file is one line on stderr (file, line,
   * key), never a stack trace; the caller then exits with {@link #EXIT_CONFIG}.
   */
  Settings load(PrintWriter err) {
    Settings settings = ConfigLoader.load(config, overrides);
    for (String warning : settings.warnings()) {
      err.println("warning: " + warning);
    }
    err.flush();
    return settings;
  }

  static final int EXIT_CONFIG = 78; // EX_CONFIG from sysexits.h

  /** Maps a configuration mistake to one line and {@link #EXIT_CONFIG}. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
      if (e instanceof ConfigException) {
        cmd.getErr().println("dovetail: " + e.getMessage());
        cmd.getErr().flush();
        return EXIT_CONFIG;
      }
      throw e;
    }
  }
}
