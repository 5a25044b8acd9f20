package dovetail.proxy.imap;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.james.filesystem.api.FileSystem;

/** James reads the PEM files named by ssl_cert and ssl_key through this: plain absolute paths, nothing else. */
public final class PathFileSystem implements FileSystem {
  private static Path path(String name) {
    String plain = name.startsWith("file://") ? name.substring("file://".length()) : name;
    return Path.of(plain);
  }

  @Override
  public InputStream getResource(String url) throws IOException {
    return Files.newInputStream(path(url));
  }

  @Override
  public File getFile(String fileURL) throws FileNotFoundException {
    File file = path(fileURL).toFile();
    if (!file.exists()) {
      throw new FileNotFoundException(fileURL);
    }
    return file;
  }

  @Override
  public File getBasedir() {
    return new File(".").getAbsoluteFile();
  }
}
