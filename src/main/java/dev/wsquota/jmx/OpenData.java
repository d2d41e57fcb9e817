package dev.wsquota.jmx;

import javax.management.openmbean.CompositeData;
import javax.management.openmbean.CompositeDataSupport;
import javax.management.openmbean.CompositeType;
import javax.management.openmbean.OpenDataException;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns notification details into CompositeData, the user data JConsole shows item by item. */
final class OpenData {

    private OpenData() {
    }

    /** A CompositeData of String, Integer, Long and Date values, for a notification's user data. */
    static CompositeData details(String typeName, Map<String, ?> values) {
        Map<String, Object> nonNull = new LinkedHashMap<>();
        values.forEach((key, value) -> nonNull.put(key, value == null ? "" : value));
        String[] names = nonNull.keySet().toArray(new String[0]);
        OpenType<?>[] types = new OpenType<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            Object value = nonNull.get(names[i]);
            types[i] = value instanceof Integer ? SimpleType.INTEGER
                    : value instanceof Long ? SimpleType.LONG
                    : value instanceof Date ? SimpleType.DATE
                    : SimpleType.STRING;
            if (types[i] == SimpleType.STRING) {
                nonNull.put(names[i], String.valueOf(value));
            }
        }
        return row(composite(typeName, typeName, names, names, types), names, nonNull.values().toArray());
    }

    private static CompositeData row(CompositeType type, String[] names, Object... values) {
        try {
            return new CompositeDataSupport(type, names, values);
        } catch (OpenDataException e) {
            throw new IllegalStateException("wsquota open data does not match its type " + type.getTypeName(), e);
        }
    }

    private static CompositeType composite(String name, String description, String[] items, String[] descriptions,
                                           OpenType<?>[] types) {
        try {
            return new CompositeType(name, description, items, descriptions, types);
        } catch (OpenDataException e) {
            throw new IllegalStateException("bad composite type " + name, e);
        }
    }
}
