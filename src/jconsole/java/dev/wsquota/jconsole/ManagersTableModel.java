package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.Durations;
import dev.wsquota.jconsole.model.Header;
import dev.wsquota.jconsole.model.ManagerLine;

import javax.swing.table.AbstractTableModel;
import java.util.List;

/** The selected user's managers ({@code listManagers}) as a table. */
final class ManagersTableModel extends AbstractTableModel {

    private static final String[] COLUMNS = {"Manager id", "Remote address", "Opened", "Idle", "Msgs in", "Msgs out"};

    private List<ManagerLine> lines = List.of();

    void show(List<ManagerLine> next) {
        if (next.equals(lines)) {
            return;
        }
        boolean sameIds = next.size() == lines.size();
        for (int i = 0; sameIds && i < next.size(); i++) {
            sameIds = next.get(i).managerId().equals(lines.get(i).managerId());
        }
        lines = List.copyOf(next);
        if (sameIds && !lines.isEmpty()) {
            fireTableRowsUpdated(0, lines.size() - 1);
        } else {
            fireTableDataChanged();
        }
    }

    ManagerLine line(int row) {
        return lines.get(row);
    }

    @Override
    public int getRowCount() {
        return lines.size();
    }

    @Override
    public int getColumnCount() {
        return COLUMNS.length;
    }

    @Override
    public String getColumnName(int column) {
        return COLUMNS[column];
    }

    @Override
    public Class<?> getColumnClass(int column) {
        return column >= 4 ? Long.class : String.class; // counts line up on the right
    }

    @Override
    public Object getValueAt(int row, int column) {
        ManagerLine line = lines.get(row);
        return switch (column) {
            case 0 -> line.managerId();
            case 1 -> line.remoteAddress();
            case 2 -> line.openedAt() == null ? "" : Header.clock(line.openedAt());
            case 3 -> Durations.format(line.idleSeconds());
            case 4 -> line.messagesIn();
            default -> line.messagesOut();
        };
    }
}
