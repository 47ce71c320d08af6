package io.sightline.query;

import java.util.List;

/** One filter: dimension, operator, one or more values. Several filters all apply (AND). */
public record Filter(Dimension dimension, Operator operator, List<String> values) {
}
