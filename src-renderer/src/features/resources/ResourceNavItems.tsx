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

type Section = 'images';
const PAGES: { section: Section; label: string; route: Route; Icon: (p: SVGProps<SVGSVGElement>) => React.JSX.Element }[] = [{ section: 'images', label: 'Images', route: { name: 'images' }, Icon: LayersIcon }];

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
