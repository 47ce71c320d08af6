package io.sightline.api.clickport;

import java.util.Locale;

/**
 * Clickport's device vocabulary: the classes are shown capitalised ({@code Desktop}, {@code Mobile},
 * {@code Tablet}), as Clickport's page shows them in {@code /api/realtime}, in every Clickport answer
 * ({@code /api/query}, {@code /api/tech?type=device}, {@code /api/realtime}). Sightline stores them in
 * lower case; a device filter takes either spelling.
 */
final class ClickportDevices {
  private ClickportDevices() {
  }

  /** The stored class ({@code desktop}) as Clickport shows it ({@code Desktop}); null stays null. */
  static String shown(Object stored) {
    if (!(stored instanceof String s) || s.isEmpty()) {
      return (String) stored;
    }
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }

  /** A device filter value in the stored spelling ({@code Desktop} and {@code desktop} both select desktops). */
  static String stored(String shown) {
    return shown.toLowerCase(Locale.ROOT);
  }
}
