package dev.wsquota.jconsole.model;

import java.util.Arrays;

/**
 * What a change did to the visible rows, so a Swing table model can fire the smallest event: nothing, these
 * rows were updated in place, or the rows themselves (which users, their order) changed.
 *
 * @param structural  true when rows were added, removed or reordered
 * @param updatedRows when not structural, the view indices whose values changed, ascending
 */
public record TableChange(boolean structural, int[] updatedRows) {

    public static final TableChange NONE = new TableChange(false, new int[0]);
    public static final TableChange STRUCTURE = new TableChange(true, new int[0]);

    public boolean isNone() {
        return !structural && updatedRows.length == 0;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TableChange change && change.structural == structural
                && Arrays.equals(change.updatedRows, updatedRows);
    }

    @Override
    public int hashCode() {
        return 31 * Boolean.hashCode(structural) + Arrays.hashCode(updatedRows);
    }

    @Override
    public String toString() {
        return structural ? "structure changed" : "updated rows " + Arrays.toString(updatedRows);
    }
}
