package dev.wsquota.jconsole;

import java.awt.Component;
import javax.swing.JOptionPane;

/** How the tab asks the operator: a confirmation before every action, a value for a quota. Tests answer for them. */
interface Dialogs {

    /** True when the operator confirms. */
    boolean confirm(Component parent, String question);

    /** The operator's answer, or null when cancelled. */
    String ask(Component parent, String question, String initial);

    /** The real dialogs: Swing option panes. */
    Dialogs SWING = new Dialogs() {
        @Override
        public boolean confirm(Component parent, String question) {
            return JOptionPane.showConfirmDialog(parent, question, "wsquota", JOptionPane.OK_CANCEL_OPTION,
                    JOptionPane.WARNING_MESSAGE) == JOptionPane.OK_OPTION;
        }

        @Override
        public String ask(Component parent, String question, String initial) {
            Object answer = JOptionPane.showInputDialog(parent, question, "wsquota", JOptionPane.QUESTION_MESSAGE,
                    null, null, initial);
            return answer == null ? null : answer.toString();
        }
    };
}
