// Sidebar entries of the resource pages (kept here so App.tsx only places them).
import type { SVGProps } from 'react';
import type { Route } from '../../stores/app-store';

const Svg = (p: SVGProps<SVGSVGElement>) => <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden {...p} />;

export const LayersIcon = (p: SVGProps<SVGSVGElement>) => (
  <Svg {...p}>
    <path d="M12 3 2 8l10 5 10-5-10-5z" />
    <path d="m2 13 10 5 10-5" />
  </Svg>
);

export const DiskIcon = (p: SVGProps<SVGSVGElement>) => (
  <Svg {...p}>
    <ellipse cx="12" cy="6" rx="8" ry="3" />
    <path d="M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6" />
    <path d="M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3" />
  </Svg>
);

export const NetworkIcon = (p: SVGProps<SVGSVGElement>) => (
  <Svg {...p}>
    <rect x="9" y="2" width="6" height="6" rx="1" />
    <rect x="2" y="16" width="6" height="6" rx="1" />
    <rect x="16" y="16" width="6" height="6" rx="1" />
    <path d="M12 8v4M5 16v-4h14v4" />
  </Svg>
);

export const PieIcon = (p: SVGProps<SVGSVGElement>) => (
  <Svg {...p}>
    <path d="M21 12A9 9 0 1 1 12 3v9z" />
    <path d="M15 3.5A9 9 0 0 1 20.5 9H15z" />
  </Svg>
);

export const StackIcon = (p: SVGProps<SVGSVGElement>) => (
  <Svg {...p}>
    <rect x="3" y="3" width="18" height="6" rx="1.5" />
    <rect x="3" y="11" width="18" height="6" rx="1.5" />
    <path d="M7 6h.01M7 14h.01M3 21h18" />
  </Svg>
);

type Section = 'projects' | 'images' | 'volumes' | 'networks' | 'disk';
const PAGES: { section: Section; label: string; route: Route; Icon: (p: SVGProps<SVGSVGElement>) => React.JSX.Element }[] = [
  { section: 'projects', label: 'Projects', route: { name: 'projects' }, Icon: StackIcon },
  { section: 'images', label: 'Images', route: { name: 'images' }, Icon: LayersIcon },
  { section: 'volumes', label: 'Volumes', route: { name: 'volumes' }, Icon: DiskIcon },
  { section: 'networks', label: 'Networks', route: { name: 'networks' }, Icon: NetworkIcon },
  { section: 'disk', label: 'Disk usage', route: { name: 'disk' }, Icon: PieIcon },
];

export function resourceSection(route: Route): Section | undefined {
  return PAGES.find((p) => p.route.name === route.name)?.section;
}

export function ResourceNavItems({ section, navigate }: { section: string; navigate(r: Route): void }) {
  return (
    <>
      {PAGES.map(({ section: s, label, route, Icon }) => (
        <button key={s} type="button" className={`nav-item${section === s ? ' nav-on' : ''}`} aria-current={section === s ? 'page' : undefined} onClick={() => navigate(route)}>
          <Icon /> {label}
        </button>
      ))}
    </>
  );
}
