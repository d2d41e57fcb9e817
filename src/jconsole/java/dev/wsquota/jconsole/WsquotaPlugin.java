package dev.wsquota.jconsole;

import com.sun.tools.jconsole.JConsolePlugin;
import dev.wsquota.jconsole.model.TabModel;

import javax.swing.JPanel;
import javax.swing.SwingWorker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JConsole plugin: adds the "wsquota" tab ({@code jconsole -pluginpath wsquota-jconsole.jar}). JConsole calls
 * {@link #newSwingWorker()} on its refresh interval; the worker reads the MXBean off the Swing thread.
 */
public final class WsquotaPlugin extends JConsolePlugin {

    private WsquotaTab tab;

    @Override
    public synchronized Map<String, JPanel> getTabs() {
        if (tab == null) {
            tab = new WsquotaTab(new TabModel(() -> getContext().getMBeanServerConnection()), Dialogs.SWING);
        }
        Map<String, JPanel> tabs = new LinkedHashMap<>();
        tabs.put("wsquota", tab);
        return tabs;
    }

    @Override
    public synchronized SwingWorker<?, ?> newSwingWorker() {
        return tab == null ? null : tab.newRefreshWorker();
    }

    @Override
    public synchronized void dispose() {
        if (tab != null) {
            TabModel model = tab.model();
            // Removing the listener is a remote call: not on the Swing thread.
            new Thread(model::close, "wsquota-plugin-dispose").start();
        }
    }
}
