package io.sightline.lifecycle;

import io.sightline.site.Site;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Tells the operator about the first start: the site created, its two keys, the dashboard's first
 * login and its password, and the tracker snippet.
 * On a terminal the keys are printed. Otherwise standard output is a log (Docker, systemd, a log
 * shipper), so the keys go to {@value #KEY_FILE} in the data directory, readable only by the owner,
 * and standard output gets only that file's path. Writes files: call it from {@code main}, never
 * from an event loop.
 */
public final class FirstStartBanner {
  public static final String KEY_FILE = "first-start-keys.txt";
  private static final Logger LOG = LoggerFactory.getLogger(FirstStartBanner.class);
  private static final String RULE = "================================================================================";

  private final PrintStream out;
  private final Path keyDir;

  private FirstStartBanner(PrintStream out, Path keyDir) {
    this.out = out;
    this.keyDir = keyDir;
  }

  /** Keys printed on {@code out}, which a person reads (or a test captures). */
  public static FirstStartBanner terminal(PrintStream out) {
    return new FirstStartBanner(out, null);
  }

  /** Keys written to {@value #KEY_FILE} in {@code dir}; {@code out} gets its path. */
  public static FirstStartBanner keyFile(PrintStream out, Path dir) {
    return new FirstStartBanner(out, dir);
  }

  /** {@link #terminal} when standard output is a terminal, else {@link #keyFile} in {@code dataDir}. */
  public static FirstStartBanner forStandardOutput(PrintStream out, Path dataDir) {
    return standardOutputIsTerminal() ? terminal(out) : keyFile(out, dataDir);
  }

  /**
   * Java 17: {@link System#console()} is null unless standard input and output are a terminal. From
   * Java 22 on it may exist when they are not, and {@code Console.isTerminal()} says.
   */
  static boolean standardOutputIsTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException olderJava) {
      return true;
    }
  }

  public void announce(FirstStart.Created created, String publicUrl) {
    Site site = created.site();
    if (keyDir == null) {
      out.print(keysText(created, publicUrl));
      out.flush();
      return;
    }
    Path file = keyDir.resolve(KEY_FILE).toAbsolutePath();
    out.println();
    out.println(RULE);
    out.println(" Sightline: first start. Created site '" + site.domain() + "' (id " + site.id() + ", timezone " + site.timezone() + ").");
    try {
      writeOwnerOnly(file, keysText(created, publicUrl));
      out.println(" Its admin key, site key and the dashboard's first password are in " + file + " (readable only by this user).");
      out.println(" They are shown nowhere else and only their hashes are kept: copy them, then delete the file.");
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("Cannot write the first-start keys to {}: {}", file, e.getMessage());
      out.println(" Its keys could not be written to " + file + ", and standard output is not a terminal, so they are not shown.");
      out.println(" Create an admin key with: java -jar sightline.jar keys create --site " + site.domain()
          + " --name admin --scopes admin,read,ingest");
      out.println(" Set a dashboard password with: java -jar sightline.jar users password " + created.account().email());
    }
    out.println();
    out.println(" Tracker snippet for " + site.domain() + ":");
    out.println("   " + trackerSnippet(site.domain(), publicUrl));
    out.println(RULE);
    out.println();
    out.flush();
  }

  private static String keysText(FirstStart.Created created, String publicUrl) {
    Site site = created.site();
    StringWriter text = new StringWriter();
    PrintWriter w = new PrintWriter(text);
    w.println();
    w.println(RULE);
    w.println(" Sightline: first start. Created site '" + site.domain() + "' (id " + site.id() + ", timezone " + site.timezone() + ").");
    w.println(" These keys are shown ONCE. Store them now; only their hashes are kept.");
    w.println();
    w.println("   admin key (admin, read, ingest): " + created.adminKey().key());
    w.println("   site key  (ingest, read):        " + created.siteKey().key());
    w.println();
    w.println(" Dashboard: " + publicUrl + "/");
    w.println("   login " + created.account().email() + ", password (shown once): " + created.password());
    w.println();
    w.println(" Tracker snippet for " + site.domain() + ":");
    w.println("   " + trackerSnippet(site.domain(), publicUrl));
    w.println();
    w.println(" Try:  curl -H 'Authorization: Bearer " + created.adminKey().key() + "' " + publicUrl + "/admin/v1/sites");
    w.println(RULE);
    w.println();
    w.flush();
    return text.toString();
  }

  /** Written to a new file created with owner-only permissions, then moved into place (a leftover file is replaced). */
  private static void writeOwnerOnly(Path file, String text) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp;
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      tmp = Files.createTempFile(dir, ".first-start-keys", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      tmp = Files.createTempFile(dir, ".first-start-keys", ".tmp");
      java.io.File f = tmp.toFile();
      boolean ownerOnly = f.setReadable(false, false) && f.setReadable(true, true) && f.setWritable(false, false) && f.setWritable(true, true);
      if (!ownerOnly) {
        Files.deleteIfExists(tmp);
        throw new IOException("cannot make the file readable by its owner only");
      }
    }
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public static String trackerSnippet(String domain, String publicUrl) {
    return "<script defer data-domain=\"" + domain + "\" src=\"" + publicUrl + "/js/sightline.js\"></script>";
  }
}
