package io.sightline.cli;

import io.sightline.account.Account;
import io.sightline.account.AccountService;
import io.sightline.account.Passwords;
import io.sightline.account.Role;
import io.sightline.http.ApiException;
import io.sightline.site.Site;
import io.sightline.site.SiteService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code sightline users create|list|grant|revoke|password|remove}: the dashboard's accounts. A
 * password is generated and printed once unless {@code --password-stdin} reads one (the first line
 * of standard input). Hashing (Argon2id) runs on the command's own thread.
 */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage the dashboard's accounts and their access to sites.",
    subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Grant.class, UsersCommand.Revoke.class,
        UsersCommand.Password.class, UsersCommand.Remove.class})
public final class UsersCommand extends CommandGroup {

  abstract static class UserSubcommand implements Callable<Integer> {
    @ParentCommand
    UsersCommand parent;
    @Mixin
    GlobalOptions options = new GlobalOptions();

    <T> T run(Function<Pool, Future<T>> operation) {
      return CliDatabase.run(options.load(parent.root), operation);
    }

    java.io.PrintStream out() {
      return parent.root.out;
    }
  }

  abstract static class WithPassword extends UserSubcommand {
    @Option(names = "--password-stdin", description = "Read the password from the first line of standard input instead of generating one.")
    boolean fromStdin;

    /** The password to set: read (and checked) or generated. */
    String password() {
      if (!fromStdin) {
        return Passwords.generate();
      }
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        String problem = Passwords.problem(line);
        if (problem != null) {
          throw ApiException.badRequest(problem);
        }
        return line;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an account; its password is printed once.")
  static final class Create extends WithPassword {
    @Parameters(index = "0", paramLabel = "EMAIL", description = "The e-mail address the person logs in with.")
    String email;
    @Option(names = "--site", description = "A site (id or domain) the account may see (with --role).")
    String site;
    @Option(names = "--role", defaultValue = "viewer", description = "owner (sees and shares the site) or viewer (default).")
    String role;

    @Override
    public Integer call() {
      Role r = role(role);
      String address = AccountService.email(email);
      String password = password();
      String hash = Passwords.hash(password);
      Account account = run(pool -> (site == null ? Future.<Site>succeededFuture(null) : site(pool, site))
          .compose(s -> new AccountService(pool).create(address, hash)
              .compose(a -> s == null ? Future.succeededFuture(a) : new AccountService(pool).grant(a.id(), s.id(), r).map(a))));
      out().printf("Created account %d: %s%s%n", account.id(), account.email(), site == null ? "" : " (" + r.id() + " of " + site + ")");
      if (!fromStdin) {
        out().println("Its password is shown only now:");
        out().println(password);
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts and their sites.")
  static final class ListUsers extends UserSubcommand {
    @Override
    public Integer call() {
      List<AccountService.Listed> list = run(pool -> new AccountService(pool).list());
      Table table = new Table("ID", "EMAIL", "SITES");
      list.forEach(l -> table.row(Integer.toString(l.account().id()), l.account().email(), String.join(", ", l.sites())));
      table.print(out());
      return 0;
    }
  }

  @Command(name = "grant", mixinStandardHelpOptions = true, description = "Let an account see a site (or change its role there).")
  static final class Grant extends UserSubcommand {
    @Parameters(index = "0", paramLabel = "EMAIL")
    String email;
    @Option(names = "--site", required = true, description = "Site id or domain.")
    String site;
    @Option(names = "--role", defaultValue = "viewer", description = "owner or viewer (default).")
    String role;

    @Override
    public Integer call() {
      Role r = role(role);
      run(pool -> account(pool, email).compose(a -> site(pool, site).compose(s -> new AccountService(pool).grant(a.id(), s.id(), r))));
      out().printf("%s is now %s of %s%n", email, r.id(), site);
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Take a site away from an account.")
  static final class Revoke extends UserSubcommand {
    @Parameters(index = "0", paramLabel = "EMAIL")
    String email;
    @Option(names = "--site", required = true, description = "Site id or domain.")
    String site;

    @Override
    public Integer call() {
      boolean done = run(pool -> account(pool, email).compose(a -> site(pool, site).compose(s -> new AccountService(pool).revoke(a.id(), s.id()))));
      out().println(done ? email + " no longer sees " + site : email + " did not see " + site);
      return 0;
    }
  }

  @Command(name = "password", mixinStandardHelpOptions = true, description = "Set a new password (printed once) and end the account's sessions.")
  static final class Password extends WithPassword {
    @Parameters(index = "0", paramLabel = "EMAIL")
    String email;

    @Override
    public Integer call() {
      String password = password();
      String hash = Passwords.hash(password);
      run(pool -> account(pool, email).compose(a -> new AccountService(pool).setPassword(a.id(), hash)));
      out().println("Set a new password for " + email + "; its sessions are ended.");
      if (!fromStdin) {
        out().println("It is shown only now:");
        out().println(password);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Delete an account (its sessions with it).")
  static final class Remove extends UserSubcommand {
    @Parameters(index = "0", paramLabel = "EMAIL")
    String email;

    @Override
    public Integer call() {
      run(pool -> account(pool, email).compose(a -> new AccountService(pool).remove(a.id())));
      out().println("Removed account " + email);
      return 0;
    }
  }

  private static Role role(String raw) {
    Role r = Role.parse(raw);
    if (r == null) {
      throw ApiException.badRequest("--role must be owner or viewer");
    }
    return r;
  }

  private static Future<Account> account(Pool pool, String email) {
    return new AccountService(pool).find(email).compose(a -> a.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no account " + email))));
  }

  private static Future<Site> site(Pool pool, String ref) {
    return new SiteService(pool).resolve(ref).compose(s -> s.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiException.notFound("no site " + ref))));
  }
}
