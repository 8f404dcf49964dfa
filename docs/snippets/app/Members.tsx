import { usePaginatedQuery } from "convex-helpers/react";
import { api } from "../convex/_generated/api";

/** An organization's members, 20 at a time. */
export function Members({ orgId }: { orgId: string }) {
  const { results, status, loadMore } = usePaginatedQuery(api.members.list, { orgId }, { initialNumItems: 20 });
  return (
    <section>
      <ul>
        {results.map((member) => (
          <li key={member.clerkId}>
            {member.clerkId} ({member.role})
          </li>
        ))}
      </ul>
      {status === "CanLoadMore" && <button onClick={() => loadMore(20)}>More</button>}
    </section>
  );
}
