package io.sightline.ingest.enrich;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one alternation of many patterns that Java's regex engine tries cheaply at each position: literal tokens become a
 * trie ({@code a(?:hrefs|xios/)|...}, one branch per first character instead of one per token), patterns anchored at the start
 * share one {@code ^}, and the rest follow as they are. Java's engine tries alternatives one by one at every position, so with
 * hundreds of them this ordering, not the patterns, decides the cost. Which strings match is unchanged (a match exists at a
 * position whatever the order of the alternatives); only which token is reported may differ.
 */
final class PatternAlternation {
  private PatternAlternation() {
  }

  /** An alternation (without an enclosing group) of the given regular expressions; tokens are matched as literals. */
  static String of(List<String> literals, List<String> regexes) {
    List<String> parts = new ArrayList<>();
    List<String> anchored = new ArrayList<>();
    List<String> words = new ArrayList<>(literals);
    for (String r : regexes) {
      if (isLiteral(r)) {
        words.add(r);
      } else if (r.startsWith("^") && !hasTopLevelBar(r)) {
        anchored.add(r.substring(1));
      } else {
        parts.add("(?:" + r + ")");
      }
    }
    List<String> out = new ArrayList<>();
    if (!anchored.isEmpty()) {
      out.add("^(?:" + String.join("|", anchored.stream().map(a -> "(?:" + a + ")").toList()) + ")");
    }
    if (!words.isEmpty()) {
      out.add(trie(words));
    }
    out.addAll(parts);
    return String.join("|", out);
  }

  /** No regex syntax at all: letters, digits, space and a few characters that mean themselves. */
  static boolean isLiteral(String r) {
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == ' ' || c == '/' || c == '-' || c == '_' || c == ':' || c == ';' || c == '@'
          || c == ',' || c == '=' || c == '!' || c == '%' || c == '\'' || c == '"' || c == '<' || c == '>' || c == '~' || c == '&')) {
        return false;
      }
    }
    return !r.isEmpty();
  }

  private static boolean hasTopLevelBar(String r) {
    int depth = 0;
    boolean inClass = false;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (c == '\\') {
        i++;
      } else if (inClass) {
        inClass = c != ']';
      } else if (c == '[') {
        inClass = true;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        return true;
      }
    }
    return false;
  }

  private static final class Node {
    final Map<Character, Node> next = new TreeMap<>();
    boolean end;
  }

  /** The tokens (compared case-insensitively by the pattern's flag) as a trie of alternatives. */
  static String trie(List<String> tokens) {
    Node root = new Node();
    for (String t : tokens) {
      Node n = root;
      for (char c : t.toLowerCase(Locale.ROOT).toCharArray()) {
        n = n.next.computeIfAbsent(c, k -> new Node());
      }
      n.end = true;
    }
    return emit(root);
  }

  private static String emit(Node n) {
    List<String> branches = new ArrayList<>();
    for (Map.Entry<Character, Node> e : n.next.entrySet()) {
      Node child = e.getValue();
      String rest = child.end ? (child.next.isEmpty() ? "" : "(?:" + emit(child) + ")?") : emit(child);
      branches.add(quote(e.getKey()) + (rest.isEmpty() || child.end || child.next.size() == 1 ? rest : "(?:" + rest + ")"));
    }
    return branches.size() == 1 ? branches.get(0) : String.join("|", branches);
  }

  private static String quote(char c) {
    return Character.isLetterOrDigit(c) && c < 128 ? String.valueOf(c) : c < 128 ? "\\" + c : String.valueOf(c);
  }
}
