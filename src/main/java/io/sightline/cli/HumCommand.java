package io.sightline.cli;

import io.sightline.api.hum.HumMapping;
import io.sightline.api.hum.HumMappingService;
import io.sightline.http.ApiException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code sightline hum show|set|reset}: a site's rules for Hum's Analytics Sessions API. */
@Command(name = "hum", mixinStandardHelpOptions = true,
    description = "Show or change how a site's sessions map to Hum's Analytics Sessions API (/analytics/sessions).",
    subcommands = {HumCommand.Show.class, HumCommand.Set.class, HumCommand.Reset.class})
public final class HumCommand extends CommandGroup {

  static void print(HumMapping m, PrintStream out) {
    out.printf("order event:        %s (order number from property %s)%n", m.orderEvent(), m.orderNumberProp());
    out.printf("installed event:    %s (linked by property %s)%n", m.installedEvent(), m.orderNumberProp());
    out.printf("commission:         property %s (whole cents)%n", m.commissionProp());
    HumMapping.Address a = m.address();
    out.printf("address properties: street1=%s street2=%s city=%s state=%s zip=%s%n", a.street1(), a.street2(), a.city(), a.state(), a.zip());
    if (m.funnel().isEmpty()) {
      out.println("funnel:             none (furthest_step is null, cart_progression empty)");
      return;
    }
    out.println("funnel:");
    Table table = new Table("STEP", "NAME", "GOAL ID", "GOAL", "TYPE", "MATCH");
    m.funnel().forEach(s -> table.row(Integer.toString(s.step()), s.name(), Integer.toString(s.goal().id()), s.goal().name(),
        s.goal().type().id(), s.goal().match()));
    table.print(out);
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a site's Hum mapping.")
  static final class Show extends SiteSubcommand {
    @Override
    public Integer call() {
      print(onSite((pool, s) -> new HumMappingService(pool).get(s.id())),
          out());
      return 0;
    }
  }

  @Command(name = "set", mixinStandardHelpOptions = true, description = "Change a site's Hum mapping (options not given keep their value).",
      footer = {"", "Example:",
          "  sightline hum set example.com --order-event Purchase --address-prop street1=address_line1 \\",
          "      --step 1:4:plan_selection --step 2:5:internet_addons --step 6:7:customer_info",
          "Each --step is NUMBER:GOAL_ID:NAME (goal ids as `goals list` shows them); giving --step replaces the whole funnel."})
  static final class Set extends SiteSubcommand {
    @Option(names = "--order-event", description = "Custom event that places an order.")
    String orderEvent;
    @Option(names = "--order-number-prop", description = "Property of the order (and installed) event holding the order number.")
    String orderNumberProp;
    @Option(names = "--installed-event", description = "Custom event that confirms an installation.")
    String installedEvent;
    @Option(names = "--commission-prop", description = "Property holding the commission in whole cents.")
    String commissionProp;
    @Option(names = "--address-prop", paramLabel = "FIELD=PROPERTY",
        description = "Property an address field comes from (street1, street2, city, state, zip); repeatable.")
    Map<String, String> addressProps = Map.of();
    @Option(names = "--step", paramLabel = "NUMBER:GOAL_ID:NAME", description = "A funnel step; repeatable; replaces the funnel.")
    List<String> steps = List.of();
    @Option(names = "--no-funnel", description = "Remove every funnel step.")
    boolean noFunnel;

    @Override
    public Integer call() {
      if (noFunnel && !steps.isEmpty()) {
        throw ApiException.badRequest("give either --step or --no-funnel");
      }
      List<HumMapping.StepInput> given = new ArrayList<>();
      for (String s : steps) {
        String[] parts = s.split(":", 3);
        if (parts.length != 3 || !parts[0].matches("[0-9]{1,4}") || !parts[1].matches("[0-9]{1,9}")) {
          throw ApiException.badRequest("--step must be NUMBER:GOAL_ID:NAME, e.g. 1:4:plan_selection");
        }
        given.add(new HumMapping.StepInput(Integer.parseInt(parts[0]), parts[2], Integer.parseInt(parts[1]), null));
      }
      HumMapping saved = onSite((pool, s) -> {
        HumMappingService service = new HumMappingService(pool);
        return service.get(s.id()).compose(current -> {
          HumMapping.Address a = current.address();
          HumMapping.Settings merged = new HumMapping.Settings(
              orderEvent == null ? current.orderEvent() : HumMapping.eventName(orderEvent, "--order-event"),
              orderNumberProp == null ? current.orderNumberProp() : HumMapping.prop(orderNumberProp, "--order-number-prop"),
              installedEvent == null ? current.installedEvent() : HumMapping.eventName(installedEvent, "--installed-event"),
              commissionProp == null ? current.commissionProp() : HumMapping.prop(commissionProp, "--commission-prop"),
              new HumMapping.Address(address("street1", a.street1()), address("street2", a.street2()), address("city", a.city()),
                  address("state", a.state()), address("zip", a.zip())));
          List<HumMapping.StepInput> funnel = noFunnel ? List.of() : !given.isEmpty() ? given : current.funnel().stream()
              .map(st -> new HumMapping.StepInput(st.step(), st.name(), st.goal().id(), null)).toList();
          return service.save(s.id(), merged, funnel);
        });
      });
      out().println("Saved the Hum mapping of site " + site + ":");
      print(saved, out());
      return 0;
    }

    private String address(String field, String current) {
      for (String key : addressProps.keySet()) {
        if (!List.of("street1", "street2", "city", "state", "zip").contains(key)) {
          throw ApiException.badRequest("--address-prop: unknown field '" + key + "' (known: street1, street2, city, state, zip)");
        }
      }
      String given = addressProps.get(field);
      return given == null ? current : HumMapping.prop(given, "--address-prop " + field);
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true, description = "Back to the default Hum mapping, without a funnel.")
  static final class Reset extends SiteSubcommand {
    @Override
    public Integer call() {
      HumMapping m = onSite((pool, s) -> new HumMappingService(pool).reset(s.id()));
      out().println("Reset the Hum mapping of site " + site + ":");
      print(m, out());
      return 0;
    }
  }
}
