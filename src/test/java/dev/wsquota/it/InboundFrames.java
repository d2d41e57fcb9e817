package dev.wsquota.it;

/** How the inbound tests read an application reply out of a frame, in one place. */
final class InboundFrames {

    private InboundFrames() {
    }

    /** The application's reply text in a frame the client received: the frame is the text itself. */
    static String text(String frame) {
        return frame;
    }
}
