package dovetail.proxy.cli;

import dovetail.conf.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * Where {@code migrate}, {@code status} and {@code sweeper} find the running server: {@code --socket PATH}, or
 * {@code admin_socket} from {@code -c FILE} (with {@code -o} overrides), or the default {@code admin_socket}.
 * Only the socket is read from the configuration; its warnings are the server's business and are not repeated.
 */
final class AdminSocketOptions {
  /** The server could not be reached, or answered with an error. */
  static final int EXIT_FAILED = 2;

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "configuration file, to find admin_socket")
  Path config;

  @CommandLine.Option(names = "-o", paramLabel = "key=value", description = "override a setting (repeatable)")
  List<String> overrides = new ArrayList<>();

  @CommandLine.Option(names = "--socket", paramLabel = "PATH",
      description = "the admin socket (instead of -c; default: admin_socket's default, /run/dovetail/admin.sock)")
  Path socket;

  /** The socket path; a mistake in the configuration is a ConfigException, which exits 78. */
  Path socket() {
    if (socket != null) {
      if (config != null || !overrides.isEmpty()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--socket excludes -c and -o");
      }
      return socket;
    }
    return (config == null ? ConfigLoader.load(overrides) : ConfigLoader.load(config, overrides)).adminSocket();
  }

  /** One line on stderr, prefixed with the command's name. */
  int fail(String message) {
    spec.commandLine().getErr().println("dovetail " + spec.name() + ": " + message);
    spec.commandLine().getErr().flush();
    return EXIT_FAILED;
  }
}
