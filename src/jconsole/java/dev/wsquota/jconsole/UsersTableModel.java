package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.TableChange;
import dev.wsquota.jconsole.model.UserColumn;
import dev.wsquota.jconsole.model.UserRow;
import dev.wsquota.jconsole.model.UsersTable;

import javax.swing.table.AbstractTableModel;

/** Swing's view of the {@link UsersTable}: fires only the rows a change touched, so 10,000 users repaint cheaply. */
final class UsersTableModel extends AbstractTableModel {

    private static final UserColumn[] COLUMNS = UserColumn.values();

    private final UsersTable table;

    UsersTableModel(UsersTable table) {
        this.table = table;
    }

    /** Tells the JTable what changed: runs of updated rows, or everything when rows came, went or moved. */
    void fire(TableChange change) {
        if (change.structural()) {
            fireTableDataChanged();
            return;
        }
        int[] rows = change.updatedRows();
        int start = 0;
        for (int i = 1; i <= rows.length; i++) {
            if (i == rows.length || rows[i] != rows[i - 1] + 1) {
                fireTableRowsUpdated(rows[start], rows[i - 1]);
                start = i;
            }
        }
    }

    UserRow row(int viewIndex) {
        return table.row(viewIndex);
    }

    UserColumn column(int index) {
        return COLUMNS[index];
    }

    @Override
    public int getRowCount() {
        return table.size();
    }

    @Override
    public int getColumnCount() {
        return COLUMNS.length;
    }

    @Override
    public String getColumnName(int column) {
        return COLUMNS[column].header();
    }

    @Override
    public Class<?> getColumnClass(int column) {
        return COLUMNS[column].type();
    }

    @Override
    public Object getValueAt(int row, int column) {
        return COLUMNS[column].cell(table.row(row));
    }
}
