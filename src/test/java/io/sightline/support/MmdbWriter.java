package io.sightline.support;

import io.sightline.net.IpAddresses;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small MaxMind DB (MMDB v2) files for tests: a binary search tree of 24-bit records over
 * IPv4 or IPv6 networks, a data section (maps, arrays, strings, unsigned ints, doubles,
 * booleans) and the metadata. Enough to hold exact fixtures in either common schema.
 */
public final class MmdbWriter {
  private final int ipVersion;
  private final String databaseType;
  private final Node root = new Node();

  private static final class Node {
    Node left;
    Node right;
    Object data;
  }

  public MmdbWriter(int ipVersion, String databaseType) {
    this.ipVersion = ipVersion;
    this.databaseType = databaseType;
  }

  /** Maps a network ({@code 81.2.69.0/24}, {@code 2001:db8::/32}) to a record (nested maps and lists). */
  public MmdbWriter insert(String cidr, Map<String, Object> record) {
    String[] parts = cidr.split("/");
    byte[] address = IpAddresses.literal(parts[0]);
    int bits = ipVersion == 4 ? 32 : 128;
    if (address.length * 8 != bits) {
      throw new IllegalArgumentException(cidr + " is not an IPv" + ipVersion + " network");
    }
    int prefix = Integer.parseInt(parts[1]);
    Node node = root;
    for (int i = 0; i < prefix; i++) {
      boolean one = (address[i / 8] >> (7 - i % 8) & 1) == 1;
      if (one) {
        node.right = node.right == null ? new Node() : node.right;
        node = node.right;
      } else {
        node.left = node.left == null ? new Node() : node.left;
        node = node.left;
      }
    }
    node.data = record;
    return this;
  }

  public void write(Path file) throws IOException {
    List<Node> inner = new ArrayList<>();
    Map<Node, Integer> numbers = new IdentityHashMap<>();
    Deque<Node> queue = new ArrayDeque<>();
    queue.add(root);
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      if (n.data != null) {
        continue; // a leaf: pointed to as data, not a node
      }
      numbers.put(n, inner.size());
      inner.add(n);
      for (Node child : new Node[] {n.left, n.right}) {
        if (child != null) {
          queue.add(child);
        }
      }
    }
    int nodeCount = inner.size();
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Map<Node, Integer> dataOffsets = new IdentityHashMap<>();
    ByteArrayOutputStream tree = new ByteArrayOutputStream();
    for (Node n : inner) {
      for (Node child : new Node[] {n.left, n.right}) {
        long record;
        if (child == null) {
          record = nodeCount; // no data
        } else if (child.data != null) {
          Integer offset = dataOffsets.get(child);
          if (offset == null) {
            offset = data.size();
            dataOffsets.put(child, offset);
            encode(child.data, data);
          }
          record = (long) offset + nodeCount + 16;
        } else {
          record = numbers.get(child);
        }
        tree.write((int) (record >> 16) & 0xFF);
        tree.write((int) (record >> 8) & 0xFF);
        tree.write((int) record & 0xFF);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tree.toByteArray());
    out.write(new byte[16]);
    out.write(data.toByteArray());
    out.write(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
    out.write("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", (long) nodeCount);
    metadata.put("record_size", 24L);
    metadata.put("ip_version", (long) ipVersion);
    metadata.put("database_type", databaseType);
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", 2L);
    metadata.put("binary_format_minor_version", 0L);
    metadata.put("build_epoch", 1_700_000_000L);
    metadata.put("description", Map.of("en", "Sightline test fixture"));
    encode(metadata, out);
    Files.write(file, out.toByteArray());
  }

  @SuppressWarnings("unchecked")
  private static void encode(Object value, ByteArrayOutputStream out) {
    if (value instanceof String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      control(2, bytes.length, out);
      out.writeBytes(bytes);
    } else if (value instanceof Map<?, ?> map) {
      control(7, map.size(), out);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        encode(e.getKey().toString(), out);
        encode(e.getValue(), out);
      }
    } else if (value instanceof List<?> list) {
      control(11, list.size(), out);
      for (Object item : list) {
        encode(item, out);
      }
    } else if (value instanceof Double d) {
      control(3, 8, out);
      long bits = Double.doubleToLongBits(d);
      for (int i = 7; i >= 0; i--) {
        out.write((int) (bits >> (i * 8)) & 0xFF);
      }
    } else if (value instanceof Boolean b) {
      control(14, b ? 1 : 0, out);
    } else if (value instanceof Number n) {
      long v = n.longValue();
      int size = 0;
      while (size < 8 && v >>> (size * 8) != 0) {
        size++;
      }
      control(size <= 4 ? 6 : 9, size, out);
      for (int i = size - 1; i >= 0; i--) {
        out.write((int) (v >> (i * 8)) & 0xFF);
      }
    } else {
      throw new IllegalArgumentException("cannot encode " + value);
    }
  }

  private static void control(int type, int size, ByteArrayOutputStream out) {
    int sizeBits;
    byte[] extra;
    if (size < 29) {
      sizeBits = size;
      extra = new byte[0];
    } else if (size < 285) {
      sizeBits = 29;
      extra = new byte[] {(byte) (size - 29)};
    } else if (size < 65_821) {
      sizeBits = 30;
      int v = size - 285;
      extra = new byte[] {(byte) (v >> 8), (byte) v};
    } else {
      sizeBits = 31;
      int v = size - 65_821;
      extra = new byte[] {(byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }
    out.write(((type <= 7 ? type : 0) << 5) | sizeBits);
    if (type > 7) {
      out.write(type - 7);
    }
    out.writeBytes(extra);
  }
}
