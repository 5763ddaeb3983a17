package dev.ingot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/** CPU time and resident memory of processes from Linux's /proc (proc(5)): all threads of each process. */
public final class ProcStat {
    private static final long CLK_TCK = clockTicks();

    private ProcStat() {
    }

    /** utime + stime of the process in nanoseconds, or -1 if it is gone. */
    public static long cpuNanos(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: fields after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
            return ticks * 1_000_000_000L / CLK_TCK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** VmRSS of the process in KiB, or -1 if it is gone. */
    public static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    public static long cpuNanos(Collection<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += Math.max(0, cpuNanos(pid));
        }
        return sum;
    }

    public static long rssKib(Collection<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += Math.max(0, rssKib(pid));
        }
        return sum;
    }

    /** The 1-minute load average (other work on the machine skews every figure), or "?". */
    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 100;
        }
    }
}
