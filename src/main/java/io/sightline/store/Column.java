package io.sightline.store;

import java.util.List;
import java.util.function.Function;

/**
 * A column written with {@code unnest}: its name, the SQL array type its values travel in, an
 * optional cast from that array's element type to the column's, and how to read the value.
 */
record Column<R>(String name, String arrayType, String cast, Class<?> elementType, Function<R, Object> value) {

  static <R> Column<R> of(String name, String arrayType, Class<?> elementType, Function<R, Object> value) {
    return new Column<>(name, arrayType, null, elementType, value);
  }

  static <R> Column<R> cast(String name, String cast, Function<R, Object> value) {
    return new Column<>(name, "text[]", cast, String.class, value);
  }

  /** {@code insert into <table> (cols) select c1, c2::jsonb, ... from unnest($1::int[], ...) as t(c1, c2, ...)}. */
  static <R> String insertSql(String table, List<Column<R>> columns) {
    return insertSql(table, columns, 1);
  }

  /** The same, with parameters numbered from {@code firstParam} (to combine statements). */
  static <R> String insertSql(String table, List<Column<R>> columns, int firstParam) {
    StringBuilder names = new StringBuilder();
    StringBuilder selects = new StringBuilder();
    StringBuilder params = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      Column<R> c = columns.get(i);
      String sep = i == 0 ? "" : ", ";
      names.append(sep).append(c.name());
      selects.append(sep).append(c.cast() == null ? c.name() : c.cast().replace("?", c.name()));
      params.append(sep).append('$').append(firstParam + i).append("::").append(c.arrayType());
    }
    return "insert into " + table + " (" + names + ") select " + selects + " from unnest(" + params + ") as t(" + names + ")";
  }

  /** One array per column, in column order, for the rows. */
  static <R> Object[] arrays(List<Column<R>> columns, List<R> rows) {
    Object[] arrays = new Object[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      Column<R> column = columns.get(c);
      Object[] values = (Object[]) java.lang.reflect.Array.newInstance(column.elementType(), rows.size());
      for (int r = 0; r < rows.size(); r++) {
        values[r] = column.value().apply(rows.get(r));
      }
      arrays[c] = values;
    }
    return arrays;
  }
}
