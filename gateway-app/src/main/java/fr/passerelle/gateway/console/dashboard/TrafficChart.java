package fr.passerelle.gateway.console.dashboard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The traffic chart's geometry, computed here so that the page draws it as plain SVG (no script, no inline
 * style): one row per partner, an outbound and an inbound bar, scaled to the largest figure.
 *
 * @param rows one per partner, in the order shown
 * @param height the drawing's height in user units
 */
record TrafficChart(List<Row> rows, int height) {

    /** Width of the partner labels' column. */
    static final int LABEL_WIDTH = 110;
    /** Length of the longest bar. */
    static final int BAR_SPACE = 420;
    static final int ROW_HEIGHT = 44;
    /** Room after the longest bar for its figure. */
    static final int FIGURE_SPACE = 70;

    /**
     * One partner's row.
     *
     * @param top the row's top edge
     * @param outboundWidth the outbound bar's length
     * @param inboundWidth the inbound bar's length
     */
    record Row(String partner, long outbound, long inbound, int top, int outboundWidth, int inboundWidth) {
    }

    /** Where the bars start, right of the labels. */
    public int barStart() {
        return LABEL_WIDTH;
    }

    /** The drawing's width in user units. */
    public int width() {
        return LABEL_WIDTH + BAR_SPACE + FIGURE_SPACE;
    }

    static TrafficChart of(List<String> partners, Map<String, TrafficCounts.Traffic> traffic) {
        // Scaled to the partners shown only: another desk's figures must not even show through the scale.
        long largest = 1;
        for (String partner : partners) {
            TrafficCounts.Traffic figures = traffic.getOrDefault(partner, TrafficCounts.Traffic.NONE);
            largest = Math.max(largest, Math.max(figures.outbound(), figures.inbound()));
        }
        List<Row> rows = new ArrayList<>();
        for (String partner : partners) {
            TrafficCounts.Traffic figures = traffic.getOrDefault(partner, TrafficCounts.Traffic.NONE);
            rows.add(new Row(partner, figures.outbound(), figures.inbound(), rows.size() * ROW_HEIGHT,
                    width(figures.outbound(), largest), width(figures.inbound(), largest)));
        }
        return new TrafficChart(rows, Math.max(1, rows.size()) * ROW_HEIGHT);
    }

    /** A bar's length: proportional, and at least visible when the figure is not zero. */
    private static int width(long value, long largest) {
        return value == 0 ? 0 : (int) Math.max(2, Math.round((double) value * BAR_SPACE / largest));
    }
}
