package io.github.scratchnet.core;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Chooses the ND4J native build before any test touches ND4J, as the CLI does in main. */
public class BackendListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Backend.configure();
    }
}
