package io.sightline.query;

import io.sightline.event.Dimension;

import java.util.List;

/**
 * One filter: dimension, operator, one or more values; {@code key} names the custom property of a
 * {@link Dimension#PROPS} filter (null otherwise). Several filters all apply (AND).
 */
public record Filter(Dimension dimension, String key, Operator operator, List<String> values) {

  public Filter(Dimension dimension, Operator operator, List<String> values) {
    this(dimension, null, operator, values);
  }
}
