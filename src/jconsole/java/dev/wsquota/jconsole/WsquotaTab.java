package dev.wsquota.jconsole;

import dev.wsquota.jconsole.model.AdminActions;
import dev.wsquota.jconsole.model.Event;
import dev.wsquota.jconsole.model.Header;
import dev.wsquota.jconsole.model.ManagerLine;
import dev.wsquota.jconsole.model.Outcome;
import dev.wsquota.jconsole.model.Poll;
import dev.wsquota.jconsole.model.TabModel;
import dev.wsquota.jconsole.model.TableChange;
import dev.wsquota.jconsole.model.TimeSeries;
import dev.wsquota.jconsole.model.UserColumn;
import dev.wsquota.jconsole.model.UserRow;
import dev.wsquota.jconsole.model.UsersTable;

import javax.swing.BorderFactory;
import javax.swing.Box;
import javax.swing.BoxLayout;
import javax.swing.DefaultListCellRenderer;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComponent;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextField;
import javax.swing.ListSelectionModel;
import javax.swing.SwingConstants;
import javax.swing.SwingWorker;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.table.DefaultTableCellRenderer;
import javax.swing.table.TableCellRenderer;
import java.awt.BorderLayout;
import java.awt.CardLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.GridLayout;
import java.awt.Insets;
import java.awt.event.MouseAdapter;
import java.awt.event.MouseEvent;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The "wsquota" tab: header, users table, the selected user's managers and actions, live charts, notifications.
 * A thin Swing layer over {@link TabModel}: JMX runs in SwingWorkers, this class only shows what they bring back.
 */
final class WsquotaTab extends JPanel {

    private static final Color AT_QUOTA = new Color(0xff, 0xd8, 0xcc);
    private static final Color REFUSED = new Color(0xb0, 0x20, 0x20);
    private static final Color DONE = new Color(0x1e, 0x6e, 0x2e);
    private static final String CONTENT = "content";
    private static final String MESSAGE = "message";

    private final TabModel model;
    private final Dialogs dialogs;
    private final CardLayout cards = new CardLayout();
    private final JLabel message = new JLabel("", SwingConstants.CENTER);
    private final JLabel managersValue = new JLabel();
    private final JLabel usersValue = new JLabel();
    private final JLabel hitsValue = new JLabel();
    private final JLabel cleanupValue = new JLabel();
    private final JLabel clusterValue = new JLabel();
    private final JLabel status = new JLabel(" ");
    private final UsersTableModel usersModel;
    private final JTable usersTable;
    private final JTextField filter = new JTextField(14);
    private final JCheckBox onlyAtQuota = new JCheckBox("only at quota");
    private final JLabel shownCount = new JLabel();
    private final ManagersTableModel managersModel = new ManagersTableModel();
    private final JTable managersTable = new JTable(managersModel);
    private final JLabel managersTitle = new JLabel("Select a user to see their managers");
    private final JLabel result = new JLabel(" ");
    private final DefaultListModel<Event> events = new DefaultListModel<>();
    private final List<ChartPanel> charts;
    private final JButton cleanupAll = new JButton("Force cleanup (all)");
    private final JButton cleanupUser = new JButton("Force cleanup user");
    private final JButton setQuota = new JButton("Set quota...");
    private final JButton clearQuota = new JButton("Clear quota");
    private final JButton disconnect = new JButton("Disconnect user");
    private final JButton closeManager = new JButton("Close manager");

    private volatile String selectedUser; // read by the refresh worker
    private boolean restoringSelection;
    private long eventsShown = -1;
    private Consumer<Outcome> outcomeListener = outcome -> { };

    WsquotaTab(TabModel model, Dialogs dialogs) {
        super(new BorderLayout());
        this.model = model;
        this.dialogs = dialogs;
        this.usersModel = new UsersTableModel(model.users());
        this.usersTable = new JTable(usersModel);
        this.charts = model.charts().stream().map(ChartPanel::new).toList();

        JPanel content = new JPanel(new BorderLayout(0, 4));
        content.add(header(), BorderLayout.NORTH);
        JSplitPane tables = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, usersPanel(), userPanel());
        tables.setResizeWeight(0.55);
        JSplitPane all = new JSplitPane(JSplitPane.VERTICAL_SPLIT, tables, livePanel());
        all.setResizeWeight(0.5);
        content.add(all, BorderLayout.CENTER);

        message.setFont(message.getFont().deriveFont(Font.BOLD, 14f));
        setLayout(cards);
        add(content, CONTENT);
        add(message, MESSAGE);
        showMessage("Connecting to wsquota...");
        updateButtons();
    }

    TabModel model() {
        return model;
    }

    /** A refresh: reads off the Swing thread, shows the result on it. JConsole runs one per update interval. */
    SwingWorker<Poll, Void> newRefreshWorker() {
        String user = selectedUser;
        return new SwingWorker<>() {
            @Override
            protected Poll doInBackground() {
                return model.poll(user);
            }

            @Override
            protected void done() {
                try {
                    show(get());
                } catch (InterruptedException | ExecutionException e) {
                    show(Poll.failed("refresh failed: " + e));
                }
            }
        };
    }

    /** Shows a poll: on the Swing thread. */
    void show(Poll poll) {
        switch (poll.state()) {
            case ABSENT -> showMessage(poll.message());
            case FAILED -> {
                if (model.header() == null) {
                    showMessage(poll.message());
                } else {
                    setStatus(poll.message(), true); // keep the last good view, say why it is not refreshed
                }
            }
            case PRESENT -> {
                cards.show(this, CONTENT);
                fire(model.apply(poll));
                Header header = model.header();
                managersValue.setText(header.managers());
                usersValue.setText(header.users());
                hitsValue.setText(header.limitHits());
                cleanupValue.setText(header.cleanup());
                cleanupValue.setForeground(header.alarm() ? REFUSED : Color.BLACK);
                clusterValue.setText(header.cluster());
                clusterValue.setForeground(header.clusterAlarm() ? REFUSED : Color.BLACK);
                setStatus(poll.message().isEmpty() ? "updated "
                        + Header.clock(new Date(poll.snapshot().takenAtMillis()))
                        : poll.message(), !poll.message().isEmpty());
                if (poll.selectedUser() != null && poll.selectedUser().equals(selectedUser)) {
                    showManagers(poll.managers());
                }
                charts.forEach(ChartPanel::repaint);
                showEvents();
            }
        }
    }

    void onOutcome(Consumer<Outcome> listener) {
        this.outcomeListener = listener;
    }

    String resultText() {
        return result.getText();
    }

    String selectedUser() {
        return selectedUser;
    }

    /** Selects the user's row, as a click would. */
    void select(String user) {
        int index = model.users().indexOf(user);
        if (index >= 0) {
            usersTable.getSelectionModel().setSelectionInterval(index, index);
        }
    }

    /** Selects the manager's row in the managers table. */
    void selectManager(String managerId) {
        for (int i = 0; i < managersModel.getRowCount(); i++) {
            if (managersModel.line(i).managerId().equals(managerId)) {
                managersTable.getSelectionModel().setSelectionInterval(i, i);
            }
        }
    }

    // ---- actions: each asks, then runs in its own SwingWorker and shows what came back ----

    void forceCleanupAll() {
        act("Run a cleanup pass over every user now?", AdminActions::forceCleanup);
    }

    void forceCleanupSelected() {
        String user = selectedUser;
        act("Run a cleanup pass over the managers of " + user + " now?", actions -> actions.forceCleanupUser(user));
    }

    void setQuotaOfSelected() {
        String user = selectedUser;
        int row = model.users().indexOf(user);
        String now = row >= 0 ? String.valueOf(model.users().row(row).quota()) : "";
        String quota = dialogs.ask(this, "Quota of " + user + " (managers, 1 to 1,000,000; closes nobody):", now);
        if (quota != null) {
            act("Set the quota of " + user + " to " + quota.strip() + "?", actions ->
                    actions.setUserQuota(user, quota));
        }
    }

    void clearQuotaOfSelected() {
        String user = selectedUser;
        act("Clear the own quota of " + user + " (the default applies again)?", actions ->
                actions.clearUserQuota(user));
    }

    void disconnectSelected() {
        String user = selectedUser;
        act("Close (1008) every manager of " + user + "?", actions -> actions.disconnectUser(user));
    }

    void closeSelectedManager() {
        int row = managersTable.getSelectedRow();
        if (row < 0) {
            return;
        }
        String id = managersModel.line(row).managerId();
        act("Close (1008) manager " + id + " of " + selectedUser + "?", actions -> actions.closeManager(id));
    }

    private void act(String question, Function<AdminActions, Outcome> action) {
        if (!dialogs.confirm(this, question)) {
            return;
        }
        AdminActions actions = model.actions();
        result.setForeground(Color.DARK_GRAY);
        result.setText("running...");
        new SwingWorker<Outcome, Void>() {
            @Override
            protected Outcome doInBackground() {
                return action.apply(actions);
            }

            @Override
            protected void done() {
                Outcome outcome;
                try {
                    outcome = get();
                } catch (InterruptedException | ExecutionException e) {
                    outcome = Outcome.failed("the action did not finish: " + e);
                }
                result.setForeground(outcome.kind() == Outcome.Kind.DONE ? DONE : REFUSED);
                result.setText(Header.clock(new Date()) + "  " + outcome.text());
                result.setToolTipText(outcome.text());
                outcomeListener.accept(outcome);
                newRefreshWorker().execute();
            }
        }.execute();
    }

    // ---- building the parts ----

    private JComponent header() {
        JPanel panel = new JPanel(new GridBagLayout());
        panel.setBorder(BorderFactory.createEmptyBorder(6, 8, 2, 8));
        addHeaderLine(panel, 0, "Active managers:", managersValue);
        addHeaderLine(panel, 1, "Active users:", usersValue);
        addHeaderLine(panel, 2, "Limit hits:", hitsValue);
        addHeaderLine(panel, 3, "Cleanup timer:", cleanupValue);
        addHeaderLine(panel, 4, "Cluster:", clusterValue);
        addHeaderLine(panel, 5, "Status:", status);
        return panel;
    }

    private static void addHeaderLine(JPanel panel, int row, String name, JLabel value) {
        GridBagConstraints c = new GridBagConstraints();
        c.gridy = row;
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(1, 0, 1, 8);
        JLabel label = new JLabel(name);
        label.setFont(label.getFont().deriveFont(Font.BOLD));
        panel.add(label, c);
        c.gridx = 1;
        c.weightx = 1;
        c.fill = GridBagConstraints.HORIZONTAL;
        panel.add(value, c);
    }

    private JComponent usersPanel() {
        usersTable.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        usersTable.setFillsViewportHeight(true);
        usersTable.setDefaultRenderer(Object.class, new QuotaHighlight(usersTable.getDefaultRenderer(Object.class)));
        usersTable.setDefaultRenderer(Integer.class, new QuotaHighlight(usersTable.getDefaultRenderer(Integer.class)));
        TableCellRenderer headers = usersTable.getTableHeader().getDefaultRenderer();
        usersTable.getTableHeader().setDefaultRenderer((table, value, selected, focus, row, column) -> {
            UsersTable users = model.users();
            String arrow = usersModel.column(column) == users.sortColumn() ? (users.ascending() ? " \u25b2" : " \u25bc")
                    : "";
            return headers.getTableCellRendererComponent(table, value + arrow, selected, focus, row, column);
        });
        usersTable.getTableHeader().setToolTipText("Click to sort; again to reverse. Quota: * = the user's own quota");
        usersTable.getTableHeader().addMouseListener(new MouseAdapter() {
            @Override
            public void mouseClicked(MouseEvent e) {
                int column = usersTable.columnAtPoint(e.getPoint());
                if (column >= 0) {
                    fire(model.users().sortBy(usersModel.column(usersTable.convertColumnIndexToModel(column))));
                    usersTable.getTableHeader().repaint();
                }
            }
        });
        usersTable.getSelectionModel().addListSelectionListener(e -> {
            if (!e.getValueIsAdjusting() && !restoringSelection) {
                int row = usersTable.getSelectedRow();
                if (row >= 0) {
                    userSelected(usersModel.row(row).user());
                }
            }
        });
        filter.getDocument().addDocumentListener(new DocumentListener() {
            @Override
            public void insertUpdate(DocumentEvent e) {
                fire(model.users().filter(filter.getText()));
            }

            @Override
            public void removeUpdate(DocumentEvent e) {
                fire(model.users().filter(filter.getText()));
            }

            @Override
            public void changedUpdate(DocumentEvent e) {
                fire(model.users().filter(filter.getText()));
            }
        });
        onlyAtQuota.addActionListener(e -> fire(model.users().onlyAtQuota(onlyAtQuota.isSelected())));

        JPanel top = new JPanel(new FlowLayout(FlowLayout.LEFT, 6, 2));
        top.add(new JLabel("Filter users:"));
        top.add(filter);
        top.add(onlyAtQuota);
        top.add(shownCount);
        JPanel panel = new JPanel(new BorderLayout());
        panel.setBorder(BorderFactory.createTitledBorder("Users (highlighted: at their quota)"));
        panel.add(top, BorderLayout.NORTH);
        panel.add(new JScrollPane(usersTable), BorderLayout.CENTER);
        return panel;
    }

    private JComponent userPanel() {
        managersTable.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        managersTable.setFillsViewportHeight(true);
        managersTable.getSelectionModel().addListSelectionListener(e -> updateButtons());
        cleanupAll.addActionListener(e -> forceCleanupAll());
        cleanupUser.addActionListener(e -> forceCleanupSelected());
        setQuota.addActionListener(e -> setQuotaOfSelected());
        clearQuota.addActionListener(e -> clearQuotaOfSelected());
        disconnect.addActionListener(e -> disconnectSelected());
        closeManager.addActionListener(e -> closeSelectedManager());

        JPanel buttons = new JPanel(new GridLayout(2, 3, 4, 4));
        for (JButton button : List.of(setQuota, clearQuota, disconnect, cleanupUser, closeManager, cleanupAll)) {
            button.setMargin(new Insets(2, 4, 2, 4));
            buttons.add(button);
        }
        JPanel actions = new JPanel();
        actions.setLayout(new BoxLayout(actions, BoxLayout.Y_AXIS));
        managersTitle.setAlignmentX(LEFT_ALIGNMENT);
        buttons.setAlignmentX(LEFT_ALIGNMENT);
        result.setAlignmentX(LEFT_ALIGNMENT);
        actions.add(managersTitle);
        actions.add(Box.createVerticalStrut(4));
        actions.add(buttons);
        actions.add(Box.createVerticalStrut(4));
        actions.add(result);

        JPanel panel = new JPanel(new BorderLayout(0, 4));
        panel.setBorder(BorderFactory.createTitledBorder("Selected user: managers and actions"));
        panel.add(actions, BorderLayout.NORTH);
        panel.add(new JScrollPane(managersTable), BorderLayout.CENTER);
        return panel;
    }

    private JComponent livePanel() {
        JPanel chartRow = new JPanel(new GridLayout(1, charts.size(), 4, 0));
        charts.forEach(chartRow::add);
        JList<Event> list = new JList<>(events);
        list.setCellRenderer(new DefaultListCellRenderer() {
            @Override
            public Component getListCellRendererComponent(JList<?> l, Object value, int index, boolean selected,
                                                          boolean focus) {
                Event event = (Event) value;
                String text = Header.clock(new Date(event.timeMillis())) + "  "
                        + event.type().replaceFirst("^wsquota\\.", "") + "  " + event.message();
                JLabel label = (JLabel) super.getListCellRendererComponent(l, text, index, selected, focus);
                label.setToolTipText(event.message());
                if (!selected && !event.type().endsWith(".admin")) {
                    label.setForeground(REFUSED);
                }
                return label;
            }
        });
        JScrollPane listScroll = new JScrollPane(list);
        listScroll.setBorder(BorderFactory.createTitledBorder("Latest notifications (newest first)"));
        listScroll.setPreferredSize(new Dimension(420, 240));
        JPanel panel = new JPanel(new BorderLayout(4, 0));
        panel.add(chartRow, BorderLayout.CENTER);
        panel.add(listScroll, BorderLayout.EAST);
        return panel;
    }

    // ---- keeping the view in step ----

    private void fire(TableChange change) {
        if (change.isNone()) {
            return;
        }
        restoringSelection = true;
        try {
            usersModel.fire(change);
            if (change.structural() && selectedUser != null) {
                int index = model.users().indexOf(selectedUser);
                if (index >= 0) {
                    usersTable.getSelectionModel().setSelectionInterval(index, index);
                }
            }
        } finally {
            restoringSelection = false;
        }
        shownCount.setText(model.users().size() + " of " + model.users().totalUsers() + " users");
    }

    private void userSelected(String user) {
        if (user.equals(selectedUser)) {
            return;
        }
        selectedUser = user;
        managersTitle.setText("Managers of " + user + ": loading...");
        showManagersOf(user, List.of());
        updateButtons();
        new SwingWorker<List<ManagerLine>, Void>() {
            @Override
            protected List<ManagerLine> doInBackground() throws Exception {
                return model.managersOf(user);
            }

            @Override
            protected void done() {
                if (!user.equals(selectedUser)) {
                    return; // another user was selected meanwhile
                }
                try {
                    showManagers(get());
                } catch (InterruptedException | ExecutionException e) {
                    managersTitle.setText("Managers of " + user + ": could not be read: " + e.getCause());
                }
            }
        }.execute();
    }

    private void showManagers(List<ManagerLine> lines) {
        showManagersOf(selectedUser, lines);
        managersTitle.setText("Managers of " + selectedUser + ": " + lines.size() + " live");
    }

    private void showManagersOf(String user, List<ManagerLine> lines) {
        String selectedId = managersTable.getSelectedRow() >= 0
                ? managersModel.line(managersTable.getSelectedRow()).managerId() : null;
        managersModel.show(lines);
        if (selectedId != null) {
            selectManager(selectedId);
        }
        updateButtons();
    }

    private void showEvents() {
        long received = model.notifications().received();
        if (received == eventsShown) {
            return;
        }
        eventsShown = received;
        events.clear();
        events.addAll(model.notifications().latest());
    }

    private void showMessage(String text) {
        message.setText("<html><div style='text-align:center'>" + escape(text) + "</div></html>");
        cards.show(this, MESSAGE);
    }

    private void setStatus(String text, boolean bad) {
        status.setText(text);
        status.setForeground(bad ? REFUSED : Color.DARK_GRAY);
    }

    private void updateButtons() {
        boolean user = selectedUser != null;
        cleanupUser.setEnabled(user);
        setQuota.setEnabled(user);
        clearQuota.setEnabled(user);
        disconnect.setEnabled(user);
        closeManager.setEnabled(user && managersTable.getSelectedRow() >= 0);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Paints users at their quota in a warm color, whatever the column's own renderer draws. */
    private final class QuotaHighlight implements TableCellRenderer {
        private final TableCellRenderer delegate;

        QuotaHighlight(TableCellRenderer delegate) {
            this.delegate = delegate;
        }

        @Override
        public Component getTableCellRendererComponent(JTable table, Object value, boolean selected, boolean focus,
                                                       int row, int column) {
            Component cell = delegate.getTableCellRendererComponent(table, value, selected, focus, row, column);
            if (cell instanceof JLabel label) { // numbers and durations line up on the right, the user id on the left
                label.setHorizontalAlignment(
                        usersModel.column(table.convertColumnIndexToModel(column)) == UserColumn.USER
                        ? SwingConstants.LEFT : SwingConstants.RIGHT);
            }
            if (!selected) {
                UserRow user = usersModel.row(row);
                cell.setBackground(user.atQuota() ? AT_QUOTA : table.getBackground());
            }
            return cell;
        }
    }
}
