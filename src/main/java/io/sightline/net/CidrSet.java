package io.sightline.net;

import java.util.ArrayList;
import java.util.List;

/** A list of networks parsed from a comma-separated setting. */
public final class CidrSet {
  private final List<Cidr> networks;

  private CidrSet(List<Cidr> networks) {
    this.networks = List.copyOf(networks);
  }

  public static CidrSet parse(String csv) {
    List<Cidr> list = new ArrayList<>();
    if (csv != null) {
      for (String part : csv.split(",")) {
        if (!part.isBlank()) {
          list.add(Cidr.parse(part));
        }
      }
    }
    return new CidrSet(list);
  }

  public boolean contains(byte[] address) {
    for (Cidr c : networks) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return networks.isEmpty();
  }
}
