package dev.wsquota.it.support;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerService;

import java.util.List;
import java.util.stream.Collectors;

/** Lets a test see the module's timers as the container has them. */
@Stateless
public class TimerProbe {

    @Resource
    private TimerService timerService;

    /** Cancels every timer with this info, as a failure would; returns how many. */
    public int cancel(String info) {
        int cancelled = 0;
        for (Timer timer : timerService.getAllTimers()) {
            if (info.equals(timer.getInfo())) {
                timer.cancel();
                cancelled++;
            }
        }
        return cancelled;
    }

    /** Milliseconds until each timer with this info fires next. */
    public List<Long> millisUntilNext(String info) {
        long now = System.currentTimeMillis();
        return timerService.getAllTimers().stream()
                .filter(timer -> info.equals(timer.getInfo()))
                .map(Timer::getNextTimeout)
                .map(next -> next.getTime() - now)
                .collect(Collectors.toList());
    }
}
